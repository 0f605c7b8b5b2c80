"""What visitors may see: the one rule every list, menu, card, feed, sitemap, search, language
link and newsletter send list applies to pages.

A page is public when it is live and neither it nor any ancestor has a view restriction
(a password, a login or a group: Settings → Privacy in the editor). Wagtail's own
`PageQuerySet.public()` reads every restriction with a query of its own each time it is called;
here the restrictions are a subquery of the same SQL, so a list costs what it did before, on
every page type at any amount of content (QUERY_BUDGET in testing/helpers.py).

The condition is written on the page's id (`pk IN …` / `NOT IN …`) and `live`, which Wagtail's
search backends accept as filters, so search results are narrowed by the same rule.
`for_visitors` (bostonems_site/i18n.py) adds the language: public pages in the visitor's
language, else the English ones not translated yet.
"""

import functools

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Substr


def restricted_pages():
    """The ids of pages with a view restriction on themselves or an ancestor, as a subquery:
    a page is below another when the other's tree path starts its own."""
    from wagtail.models import Page, PageViewRestriction

    covering = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return Page.objects.filter(Exists(covering)).values("pk")


@functools.cache
def _restricted_pages_sql():
    """restricted_pages() as SQL, compiled once per process: it has no parameter from a request
    or a page (the same SQL every time), and building it through the ORM on each use cost about
    a millisecond per list, on every page shown (the language links alone are on all of them)."""
    return restricted_pages().order_by().query.get_compiler(connection=connection).as_sql()


def public_q():
    """The condition for a public page (live, no restriction above it), to combine with others."""
    # RawSQL of our own compiled query, with its own parameters: nothing from outside reaches it.
    restricted = RawSQL(*_restricted_pages_sql())  # noqa: S611
    return Q(live=True) & ~Q(pk__in=restricted)


def public_pages(pages):
    """The public pages of `pages`, in every language. `pages` may also be the unsaved relation
    an editor's preview reads (a list-like stand-in, not a queryset): its pages are looked up."""
    if not isinstance(pages, QuerySet):
        pages = pages.model.objects.filter(pk__in=[page.pk for page in pages])
    return pages.filter(public_q())


def is_public(page):
    """Whether visitors may see `page` (one query)."""
    return page.pk is not None and public_pages(type(page).objects.filter(pk=page.pk)).exists()
