"""Full-page cache for anonymous visitors.

Why our own middleware rather than Django's per-site cache middleware or wagtail-cache:
- a hit must cost zero SQL queries, so the lookup happens before Wagtail's routing and before
  anything touches the session or the user;
- Django's middleware keys on Vary: Cookie and caches per visitor once any cookie is set;
  wagtail-cache 3 does not support Wagtail 8;
- purging must reach every worker and node at once. Entries carry the cache "generation" they
  were rendered in; any content change bumps the generation in the shared cache (file cache
  on one node, Redis for several), so every process sees old entries as stale on its next
  request. One `get_many` round-trip fetches both the generation and the entry.

Entries are stored with a precompressed gzip body, so a hit does no rendering and no compression.
The middleware sits first in MIDDLEWARE: stored responses already carry the headers every other
middleware added (security headers, CSP), and a hit skips all of them.
"""

import gzip
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

GENERATION_KEY = "pagecache:generation"
CACHE_HEADER = "X-Cache"
# Requests carrying a session (editors) or pending messages (django.contrib.messages' cookie
# storage) are always rendered fresh and never stored.
MESSAGES_COOKIE = "messages"
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")
# Headers recomputed per response or personal: never replayed from the cache.
UNCACHED_HEADERS = {"set-cookie", "content-length", "content-encoding", "x-cache"}


def bump_generation():
    """Make every stored page stale, in every process sharing the cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # No generation yet (fresh or evicted cache): start one. Whatever value a racing
        # process writes differs from what stored entries carry, so they are stale either way.
        cache.set(GENERATION_KEY, 1, timeout=None)


def _entry_key(request):
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _request_is_cacheable(request):
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PATH_PREFIXES):
        return False
    personal_cookies = {settings.SESSION_COOKIE_NAME, MESSAGES_COOKIE}
    return not personal_cookies.intersection(request.COOKIES)


def _response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control"):
        directives = response["Cache-Control"].lower()
        if any(word in directives for word in ("private", "no-cache", "no-store")):
            return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _build_response(request, entry, state):
    status, headers, body, gzipped = entry
    use_gzip = _accepts_gzip(request)
    response = HttpResponse(
        b"" if request.method == "HEAD" else (gzipped if use_gzip else body), status=status
    )
    for name, value in headers:
        response[name] = value
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(gzipped if use_gzip else body))
    patch_vary_headers(response, ["Accept-Encoding"])
    response[CACHE_HEADER] = state
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)

        key = _entry_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY, 1)
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            return _build_response(request, stored[1], "HIT")

        response = self.get_response(request)
        if not _response_is_cacheable(request, response):
            return response

        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_S_MAXAGE)
        body = response.content
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNCACHED_HEADERS
        ]
        entry = (response.status_code, headers, body, gzip.compress(body, compresslevel=6))
        cache.set(key, (generation, entry), timeout=settings.PAGE_CACHE_TIMEOUT)
        return _build_response(request, entry, "MISS")
