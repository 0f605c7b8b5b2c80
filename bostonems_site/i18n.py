"""Language selection and language fallback for the multilingual site, in one place (template
tags only call it).

The URL decides the language: `/es/...` is Spanish, an unprefixed path is English. Unlike
Django's LocaleMiddleware we never guess from Accept-Language or a cookie, so a URL always
renders the same language: the full-page cache (keyed on the URL) can never serve one
language's page to a visitor of another, and no response needs `Vary: Accept-Language`.
"""

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db.models import F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import translation
from django.utils.html import format_html
from wagtail.models import Page

from bostonems_site.visibility import public_pages, public_q
from page_cache.fragments import fragments


class PathLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def version_in_language(queryset, language_code):
    """From translatable objects with one version per language (e.g. the site-wide text), the
    version in `language_code`, else the default language's (marked for `language_attributes`),
    else None. One query; when a language has several, the queryset's last one wins."""
    codes = {language_code, settings.LANGUAGE_CODE}
    queryset = queryset.filter(locale__language_code__in=codes).select_related("locale")
    if hasattr(queryset.model, "alias_of"):
        queryset = queryset.exclude(UNTRANSLATED_COPY)
    versions = {item.locale.language_code: item for item in queryset}
    version = versions.get(language_code) or versions.get(settings.LANGUAGE_CODE)
    if version is not None:
        # Read by `language_attributes`: the English version on a Spanish page is marked.
        version.content_language = version.locale.language_code
    return version


# --- Language fallback: one rule for routing, menus, listings and cards -----------------------
#
# Every visitor-facing place that shows a page in a language follows the same rule: the page's
# translation into that language where one is published, else the English page, marked
# lang="en" so screen readers (and the bidi algorithm on right-to-left pages) treat it as
# English. An address of a page with no translation redirects to the page that exists.
#
# wagtail-localize makes this subtle: translating a division into Arabic while its parents are
# still English makes Wagtail copy those parents into Arabic as *aliases* (live copies that keep
# the English text and follow every English publish; Wagtail sets them live again each time, so
# unpublishing them does not stick). They are needed for the Arabic child's address
# (/ar/divisions/training/ routes through them), but they are not translations: everything
# below treats an alias whose original is in another language as "not translated".

UNTRANSLATED_COPY = Q(alias_of__isnull=False) & ~Q(alias_of__locale=F("locale"))


def in_language(queryset, language_code=None):
    """Objects of `queryset` in `language_code` (the active language when None), plus the
    English ones not translated into it yet, annotated with `content_language` for
    `language_attributes`. One query (subqueries), so ordering, slicing and pagination stay in
    the database. The outer query filters on `pk` alone: search backends accept that, and
    `queryset`'s own conditions (the public rule, a section's path) are compiled only inside the
    subqueries, which already hold them, rather than once more for the list and its count."""
    language_code = language_code or translation.get_language()
    source = settings.LANGUAGE_CODE
    shown = queryset.model._default_manager.annotate(content_language=F("locale__language_code"))
    own = queryset.filter(locale__language_code=language_code)
    if hasattr(queryset.model, "alias_of"):
        own = own.exclude(UNTRANSLATED_COPY)
    if language_code == source:
        return shown.filter(pk__in=own.values("pk"))
    untranslated = queryset.filter(locale__language_code=source).exclude(
        translation_key__in=own.values("translation_key")
    )
    return shown.filter(Q(pk__in=own.values("pk")) | Q(pk__in=untranslated.values("pk")))


def for_visitors(queryset, language_code=None):
    """What visitors may see of the pages in `queryset`: the public ones (live, no view
    restriction on them or above them: bostonems_site/visibility.py) in `language_code` (the
    active language when None), plus the public English ones not translated into it, or whose
    translation is not public. Every public list, menu, card, box, feed and search uses this;
    still one query."""
    return in_language(public_pages(queryset), language_code)


def site_page_in_language(request, model):
    """The public page of a one-per-site type (the news index, the video gallery) in the active
    language, else the English one, None when there is none. Pages all over the site link to
    these (feed links in every head, the video boxes), so it is kept per content generation
    (page_cache/fragments.py) rather than looked up on each of them."""
    return fragments.get_or_compute(
        request,
        ("site_page", model._meta.label),
        lambda: for_visitors(model.objects.all()).first(),
        page_models={model._meta.label},
    )


def under_page_in_language(page, queryset, children_only=False):
    """What visitors may see (`for_visitors`) of `queryset` below `page` (its children only, if
    asked) and below the English version of `page`: a Spanish listing shows every public item,
    in Spanish where translated. Still one query."""
    english_path = Page.objects.filter(
        translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
    ).values("path")[:1]
    narrowed = queryset.filter(
        Q(path__startswith=page.path) | Q(path__startswith=Subquery(english_path)),
        **({"depth": page.depth + 1} if children_only else {"depth__gt": page.depth}),
    )
    return for_visitors(narrowed)


def language_attributes(obj):
    """' lang="en" dir="ltr"' for an object `in_language` or `version_in_language` fell back
    to (English on a Spanish page), or for a language code, nothing for one in the page's
    language. `dir` keeps English text left-to-right inside a right-to-left page, so its
    punctuation and numbers stay in place ("785 Albany Street", not "Albany Street 785")."""
    language = obj if isinstance(obj, str) else getattr(obj, "content_language", None)
    if not language or language == translation.get_language():
        return ""
    direction = "rtl" if translation.get_language_info(language)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', language, direction)


def english_version(page):
    """The English page `page` translates (or copies), None if there is none. One query."""
    return (
        page.specific_class.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .exclude(pk=page.pk)
        .first()
    )


def route_with_english_fallback(home, request, path_components, route):
    """Route `path_components` from a translated home page; where that language's tree lacks
    the page (never translated, or only a draft), route in the English tree instead, so the
    address redirects to the English page (`address_in_visitors_language`) rather than 404."""
    try:
        return route(request, path_components)
    except Http404:
        english = english_version(home) if home.locale_id else None
        if english is None:
            raise
        return english.specific.route(request, path_components)


def address_in_visitors_language(page, request):
    """Where a visitor should be sent instead of seeing `page` at this address: to its
    translation into the address's language when that lives elsewhere, else to the English
    page, when `page` is not in that language (an English page reached through /ht/..., or an
    untranslated alias copy at /ar/divisions/). None when the page may be shown here. Any part
    of the address below the page (a feed, a sub-route) and the query string are kept. Reuses
    the language switcher's list of translations (no extra query for pages shown normally)."""
    items = page_translations(page, request)
    language = translation.get_language()
    current = next((item for item in items if item["current"]), None)
    if current is not None and current["code"] == language:
        return None
    by_language = {item["code"]: item for item in items}
    target = by_language.get(language) or by_language.get(settings.LANGUAGE_CODE)
    if target is None:
        return None
    components = [part for part in request.path_info.split("/") if part]
    if translation.get_language_from_path(request.path_info):
        components = components[1:]
    below_page = components[page.depth - 2 :]  # the home page (depth 2) has no slug in paths
    address = target["path"] + "".join(f"{part}/" for part in below_page)
    if address == request.path:
        return None
    query = request.META.get("QUERY_STRING")
    return f"{address}?{query}" if query else address


def in_english_order(queryset):
    """Pages in the order of their English versions in the English tree (editors sort
    divisions there, and the main menu follows it), pages that exist only in a translation
    after them. Part of the same query."""
    english_path = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=settings.LANGUAGE_CODE
    ).values("path")[:1]
    return queryset.annotate(english_path=Subquery(english_path)).order_by(
        F("english_path").asc(nulls_last=True), "path"
    )


def page_translations(page, request):
    """The public translations of `page` in every language (itself included, when live, unless
    it is an untranslated copy), as dicts with code, name and url, shared by the head, the
    switcher, the hreflang links and the language redirect. Every page shows them, and making
    them (a query, then each translation's address through its site) was a tenth of an uncached
    page's CPU, so they are kept per page and content generation (page_cache/fragments.py): any
    publish or take-down anywhere makes them again."""
    if page is None or not hasattr(page, "get_translations"):
        return []
    if not hasattr(page, "_live_translations"):
        # A new page's preview (no id yet) is not kept: nothing else has its key.
        page._live_translations = fragments.get_or_compute(
            request if page.pk is not None else None,
            ("page_translations", page.pk, page.live),
            lambda: _public_translations(page, request),
        )
    return page._live_translations


def _public_translations(page, request):
    names = dict(settings.LANGUAGES)
    order = list(names)
    # A visitor let into a private page (its password given) is not sent elsewhere.
    shown = public_q() | Q(pk=page.pk) if page.live else public_q()
    # One filter on the base page table: each further queryset step (or the specific model's
    # table) cost a fraction of a millisecond more.
    pages = (
        Page.objects.filter(Q(translation_key=page.translation_key), shown, ~UNTRANSLATED_COPY)
        .select_related("locale")
        # What the links need: reading every column of every translation cost more than the
        # query itself.
        .only("id", "url_path", "locale__language_code")
    )
    items = []
    for version in pages:
        code = version.locale.language_code
        url_parts = version.get_url_parts(request)
        if code in names and url_parts:
            site_id, root_url, path = url_parts
            info = LANG_INFO.get(code, {})
            items.append(
                {
                    "code": code,
                    "name": names[code],
                    "bidi": info.get("bidi", False),
                    "url": root_url + path,
                    "path": path,
                    "current": version.pk == page.pk,
                }
            )
    items.sort(key=lambda item: order.index(item["code"]))
    return items
