"""Site-wide views: search, crawler files (robots.txt, security.txt, favicon), the health check
and the error pages."""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve
from wagtail.models import Locale, Page

from bostonems_site import seo

logger = logging.getLogger(__name__)

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


def pages_in_visitors_language():
    """Live public pages in the language of the URL, plus the English pages not translated into
    it yet, so a Spanish visitor finds every subject once, in Spanish where possible."""
    pages = Page.objects.live().public().filter(depth__gt=1)
    codes = {get_language(), settings.LANGUAGE_CODE}
    locales = dict(
        Locale.objects.filter(language_code__in=codes).values_list("language_code", "pk")
    )
    active, default = locales.get(get_language()), locales.get(settings.LANGUAGE_CODE)
    if active is None or active == default:
        return pages.filter(locale_id=default)
    translated = list(pages.filter(locale_id=active).values_list("translation_key", flat=True))
    untranslated = pages.filter(locale_id=default).exclude(translation_key__in=translated)
    return pages.filter(locale_id=active) | untranslated


@require_GET
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results_page = None
    if query:
        terms = search_terms(query)
        pages = pages_in_visitors_language().specific()
        results = pages.search(terms) if terms else pages.none()
        paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
        results_page = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "bostonems_site/search.html",
        {"query": query, "results": results_page},
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    root_url = seo.site_root_url(request)
    search_paths = [
        f"/{code}/search/" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        *(f"Disallow: {path}" for path in search_paths),
        "",
        f"Sitemap: {root_url}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def security_txt(request):
    """RFC 9116. Expires is always SECURITY_TXT_EXPIRES_DAYS ahead, computed per request."""
    from bostonems_site.models import SiteSettings

    site_settings = SiteSettings.for_request(request)
    root_url = seo.site_root_url(request)
    expires = timezone.now() + datetime.timedelta(days=settings.SECURITY_TXT_EXPIRES_DAYS)
    lines = [
        f"Contact: {site_settings.security_contact.strip()}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Canonical: {root_url}/.well-known/security.txt",
        "Preferred-Languages: en",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says."""
    response = HttpResponseRedirect(staticfiles_storage.url("img/favicon.ico"))
    response.status_code = 301
    return response


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it doesn't; never cached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The designed 500 page, rendered without a request context so that nothing touches the
    database (which may be the very thing that failed)."""
    try:
        return HttpResponseServerError(loader.get_template(template_name).render())
    except Exception:  # the error page must never fail itself
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(
            "<!DOCTYPE html><html lang=en><title>Server error</title><h1>Sorry, something went "
            "wrong</h1><p>Please try again in a few minutes. In an emergency, call 9-1-1.</p>"
        )


# Renditions are named after their original and filter, and a replaced original gets a new file
# name, so a rendition's address never changes content: browsers may keep it for a year.
# Originals, videos and captions can be replaced in place by editors: an hour.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_CACHE_CONTROL = "public, max-age=3600"


@require_safe
def media_file(request, path):
    """An uploaded file from MEDIA_ROOT, for a single node with no front server (`make serve`,
    development). Several nodes keep media in object storage instead (docs/deployment.md).
    Django's static `serve` resolves the path safely inside MEDIA_ROOT and answers
    If-Modified-Since; the file streams (no page-cache entry)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    images_dir = "images/"
    response["Cache-Control"] = (
        RENDITION_CACHE_CONTROL if path.startswith(images_dir) else MEDIA_CACHE_CONTROL
    )
    return response
