"""Site-wide views: search, crawler files (robots.txt, security.txt, favicon), the health check
and the error pages."""

import datetime
import logging
import re
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve
from wagtail.admin.views.account import PasswordResetView
from wagtail.models import Page

from bostonems_site import seo
from bostonems_site.i18n import in_language
from bostonems_site.models import SiteSettings
from page_cache.middleware import DATABASE_ERRORS
from rate_limits import counters

logger = logging.getLogger(__name__)

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_MAX_QUERY_LENGTH = 200
# NUL and other control characters: PostgreSQL rejects NUL in text, and none belong in a query.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")
WORD = re.compile(r"\w+")
# What Django raises when the database server is unreachable or the connection broke.
RETRY_AFTER_SECONDS = 30


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
        # The visitor's language, plus the English pages not translated into it yet.
        pages = in_language(Page.objects.live().public().filter(depth__gt=1)).specific()
        results = pages.search(terms) if terms else pages.none()
        paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
        results_page = paginator.get_page(request.GET.get("page"))
    response = TemplateResponse(
        request,
        "bostonems_site/search.html",
        {"query": query, "results": results_page},
    )
    if query:
        # Results for any text a visitor types: not worth a shared cache entry each (and
        # a flood of them would push stored pages out).
        patch_cache_control(response, private=True)
    return response


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
    """Each dependency's state, as JSON; never cached.

    503 only when this node cannot serve pages: the database is unreachable AND the page cache
    holds no copies to serve (its shared cache is down, or empty). A database that is down for
    every node still leaves each node serving its stored pages (and 503 for the rest), which
    beats a load balancer taking every node out. A cache outage alone is "degraded": pages
    render without it. The mail queue (newsletter emails) never fails the check: a stopped worker
    delays email, not pages; it shows "delayed" so monitoring can alert on it.
    """
    from django.core.cache import cache

    database = _database_state()
    cache_up = cache.check() if hasattr(cache, "check") else True
    pages_in_cache = cache_up and import_string(settings.HEALTH_PAGES_STORED)()
    mail_queue_state = import_string(settings.HEALTH_MAIL_QUEUE_STATE)
    mail_queue, waiting = mail_queue_state() if database == "ok" else ("unavailable", None)
    if database == "ok":
        status = "ok" if cache_up else "degraded"
    else:
        status = "degraded" if pages_in_cache else "error"
    return JsonResponse(
        {
            "status": status,
            "database": database,
            "cache": "ok" if cache_up else "unavailable",
            "mail queue": mail_queue,
            "mail queue waiting": waiting,
        },
        status=503 if status == "error" else 200,
    )


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        logger.warning("Health check: the database did not answer (%s)", error)
        return "unavailable"
    return "ok"


# The error handlers below never read the request body or touch the database: they also answer
# requests whose body Django cannot parse (a form posted as UTF-16, too large) and requests made
# while the database is down. Django's defaults are decorated with @requires_csrf_token, which
# reads request.POST again and fails a second time, ending in the server's bare error page.
# Each page is rendered without a request context (no context processors, no queries).


def _static_page(template_name, status, headers=None):
    try:
        body = loader.get_template(template_name).render()
    except Exception:  # the error page must never fail itself
        logger.exception("The %s page could not be rendered", status)
        body = (
            "<!DOCTYPE html><html lang=en><title>Boston EMS</title><h1>Sorry, this page could "
            "not be shown</h1><p>Please try again in a few minutes. In an emergency, call "
            "9-1-1.</p>"
        )
    response = HttpResponse(body, status=status, headers=headers)
    patch_cache_control(response, no_store=True)
    return response


def bad_request(request, exception=None):
    """handler400: a body Django cannot read, a suspicious request."""
    return _static_page("400.html", 400)


def service_unavailable(request, exception=None):
    """The database is unreachable: the designed 503 page with Retry-After. The full-page cache
    serves its last good copy instead when it has one (`database_unavailable`)."""
    _log_database_outage(exception)
    response = _static_page("503.html", 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
    response.database_unavailable = True
    response._has_been_logged = True  # by _log_database_outage: Django would log every request
    return response


def server_error(request):
    """handler500. A database that went away surfaces here when something outside a view (a
    middleware) queried it: that is a 503, not a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return service_unavailable(request, error)
    return _static_page("500.html", 500)


_last_outage_log = 0.0


def _log_database_outage(exception):
    """One log line per minute per process, not one per request, while the database is down."""
    global _last_outage_log
    now = time.monotonic()
    if now - _last_outage_log >= 60:
        _last_outage_log = now
        logger.error("Database unavailable, answering 503 or stored pages: %s", exception)


class RateLimitedPasswordResetView(PasswordResetView):
    """The admin's "forgot password" form, limited per client and per address: each request
    sends an email, so an unlimited form lets anyone flood an editor's inbox (or our mail
    provider's quota)."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        address = (request.POST.get("email") or "").strip().lower()
        limit, window = settings.ADMIN_PASSWORD_RESET_LIMIT, settings.ADMIN_PASSWORD_RESET_WINDOW
        allowed = counters.allow(request, "password-reset", limit, window)
        if allowed and address:
            allowed = counters.allow(request, "password-reset", limit, window, subject=address)
        if allowed:
            return super().post(request, *args, **kwargs)
        form.full_clean()
        form.add_error(
            None,
            _("Too many password reset requests. Please wait %(minutes)s minutes and try again.")
            % {"minutes": window // 60},
        )
        response = self.form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(window)
        return response


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
