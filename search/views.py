"""Site search: the pages visitors may see, in their language, found by Wagtail's search
backend (the database's full-text search), ten results a page.

Visitors' text never reaches the backend's query syntax as typed (control characters and
operators are dropped), and results for any typed text are never stored by the page cache:
each would be an entry of its own, and there is no end to what people type."""

import re

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from bostonems_site.i18n import for_visitors

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_MAX_QUERY_LENGTH = 200
# NUL and other control characters: PostgreSQL rejects NUL in text, and none belong in a query.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")
WORD = re.compile(r"\w+")


def clean_query(raw):
    """Visitors' search text made safe to search for: no control characters, collapsed spaces,
    at most SEARCH_MAX_QUERY_LENGTH characters."""
    text = CONTROL_CHARACTERS.sub(" ", raw or "")
    return " ".join(text.split())[:SEARCH_MAX_QUERY_LENGTH]


def search_terms(query):
    """The words of a query, lower-cased. Quotes, brackets and operators (AND, OR, NOT, NEAR,
    '*', '-') would otherwise reach SQLite's full-text syntax, which rejects many of them."""
    return " ".join(word.lower() for word in WORD.findall(query))


@require_GET
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results_page = None
    if query:
        terms = search_terms(query)
        # What visitors may see, in their language or else English.
        pages = for_visitors(Page.objects.filter(depth__gt=1)).specific()
        results = pages.search(terms) if terms else pages.none()
        paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
        results_page = paginator.get_page(request.GET.get("page"))
    response = TemplateResponse(
        request,
        "search/search.html",
        {"query": query, "results": results_page},
    )
    if query:
        # Results for any text a visitor types are never stored: not worth a shared cache
        # entry each, and unbounded (the empty search page is stored; a "?page=" without a
        # query is not read, so it is not stored either: page_cache/middleware.py).
        patch_cache_control(response, private=True)
    return response
