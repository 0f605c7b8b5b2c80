"""The text-only site (/lite/, /es/lite/, ...): what people need on the worst day on one page
that fits in a single round trip (at most 14 KB gzipped) on an overloaded network: current
alerts first, 9-1-1 and the non-emergency line, the life-saving guidance in full, the divisions
and the contact details. No images, fonts, stylesheet or script files; a few lines of inline
CSS allowed by their hash in the Content-Security-Policy (a nonce would be the same for every
visitor of a cached page, so it would protect nothing).

It is served through the page cache like any page: any content change (an alert switched on
included) purges it, and it is not kept past an alert's start or end."""

import base64
import hashlib
import json

from csp.decorators import csp_update
from django.conf import settings
from django.http import JsonResponse
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.views.decorators.http import require_GET

from bostonems_site.i18n import for_visitors, in_english_order
from bostonems_site.models import SiteSettings
from divisions.models import DivisionPage
from guidance.models import GuidancePage
from page_cache.content_generation import expire_cached_page_at
from site_alerts.models import alerts_to_show

# Plain, large, readable; no colour carries meaning alone. No quotes or ampersands: the text is
# inserted as is and hashed as is.
LITE_STYLE = (
    "body{font:1.125rem/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:0 1rem;"
    "color:#111;background:#fff}"
    "a{color:#0645ad}"
    ".skip-link{position:absolute;top:-10rem}.skip-link:focus{position:static}"
    ".alert{border:3px solid #1a4d8f;padding:0 1rem;margin:1rem 0}"
    ".alert--urgent{border-color:#b00020;border-width:6px}"
    ".call{font-size:1.5rem;font-weight:bold}"
)
LITE_STYLE_DIGEST = base64.b64encode(hashlib.sha256(LITE_STYLE.encode()).digest()).decode()
LITE_STYLE_HASH = f"'sha256-{LITE_STYLE_DIGEST}'"


def guidance_pages():
    """The live public guidance pages in the visitor's language (English where untranslated),
    in the English tree's order."""
    return list(in_english_order(for_visitors(GuidancePage.objects.all())))


@require_GET
@csp_update({"style-src": [LITE_STYLE_HASH]})
def lite(request):
    language = get_language()
    alerts, next_change = alerts_to_show(language)
    expire_cached_page_at(request, next_change)
    divisions = in_english_order(for_visitors(DivisionPage.objects.all()))
    other_languages = [
        (code, get_language_info(code)["name_local"])
        for code, _name in settings.LANGUAGES
        if code != language
    ]
    return TemplateResponse(
        request,
        "guidance/lite.html",
        {
            "alerts": alerts,
            "guidance_pages": guidance_pages(),
            "divisions": list(divisions),
            "site_settings": SiteSettings.for_request(request),
            "other_languages": other_languages,
            "style": mark_safe(LITE_STYLE),  # noqa: S308  (our constant, hashed above)
        },
    )


# --- Offline reading ---------------------------------------------------------------------------
# The service worker (templates/guidance/sw.js) stores the pages offline_list names, in the
# visitor's language, and shows the offline page for any other page while the network is down.


def offline_urls(request):
    """The addresses stored for offline reading in the active language: the text-only site,
    the offline page, the guidance index and every guidance page."""
    from guidance.models import GuidanceIndexPage

    pages = [*for_visitors(GuidanceIndexPage.objects.all())[:1], *guidance_pages()]
    return [reverse("lite"), reverse("offline"), *(page.get_url(request) for page in pages)]


@require_GET
def offline_list(request):
    return JsonResponse({"urls": offline_urls(request)})


@require_GET
@csp_update({"style-src": [LITE_STYLE_HASH]})
def offline(request):
    """What a visitor sees offline instead of a page that was not stored: where to go."""
    return TemplateResponse(
        request,
        "guidance/offline.html",
        {
            "guidance_pages": guidance_pages(),
            "site_settings": SiteSettings.for_request(request),
            "style": mark_safe(LITE_STYLE),  # noqa: S308  (our constant, hashed above)
        },
    )


SERVICE_WORKER_TEMPLATE = "guidance/sw.js"


def service_worker_version():
    """Changes whenever the worker's code or the kill switch does: browsers then install the
    new worker at the next visit, and it deletes the older versions' stores."""
    source = get_template(SERVICE_WORKER_TEMPLATE).template.source
    state = f"{source}{settings.SERVICE_WORKER_ENABLED}"
    return hashlib.sha256(state.encode()).hexdigest()[:12]


@require_GET
def service_worker(request):
    """/sw.js, at the root so that its scope is the whole site. Never kept by the page cache or
    the browser's HTTP cache (no-cache): a new version or the kill switch reaches browsers at
    their next visit."""
    languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    response = TemplateResponse(
        request,
        SERVICE_WORKER_TEMPLATE,
        {
            "version": service_worker_version(),
            "enabled": settings.SERVICE_WORKER_ENABLED,
            "languages": json.dumps(languages),
        },
        content_type="text/javascript; charset=utf-8",
    )
    patch_cache_control(response, no_cache=True, max_age=0)
    return response
