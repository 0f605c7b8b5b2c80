"""Full-page cache for anonymous visitors.

Why our own middleware rather than Django's per-site cache middleware or wagtail-cache:
- a hit must cost zero SQL queries, so the lookup happens before Wagtail's routing and before
  anything touches the session or the user;
- Django's middleware keys on Vary: Cookie and caches per visitor once any cookie is set;
  wagtail-cache 3 does not support Wagtail 8;
- purging must reach every worker and node at once. Entries carry the cache "generation" they
  were rendered in; any content change bumps the generation in the shared cache (file cache
  on one node, Redis for several), so every process sees old entries as stale on its next
  request. A hit costs one small round-trip for the generation; the page itself usually comes
from a per-process copy (LocalEntries) that is only used while its generation is current.

Entries are stored with a precompressed gzip body, so a hit does no rendering and no compression.
The middleware sits first in MIDDLEWARE: stored responses already carry the headers every other
middleware added (security headers, CSP), and a hit skips all of them.
"""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict

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


class LocalEntries:
    """A small per-process copy of recently served entries. A hit still asks the shared cache
    for the current generation (a few bytes), so purges stay immediate on every process; only
    the page body no longer crosses the network and gets unpickled on each request."""

    def __init__(self, max_entries=256):
        self.max_entries = max_entries
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, generation):
        with self.lock:
            stored = self.entries.get(key)
            if stored is None or stored[0] != generation:
                return None
            self.entries.move_to_end(key)
            return stored[1]

    def put(self, key, generation, entry):
        with self.lock:
            self.entries[key] = (generation, entry)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


local_entries = LocalEntries()


def expire_cached_page_at(request, moment):
    """Content that changes by the clock (an alert's start or end) calls this while rendering:
    the stored page is not served after `moment` (a datetime; None changes nothing)."""
    if moment is None:
        return
    expires = moment.timestamp()
    current = getattr(request, "page_cache_expires", None)
    request.page_cache_expires = expires if current is None else min(current, expires)


def _fresh(entry):
    expires = entry[4]
    return expires is None or time.time() < expires


def bump_generation():
    """Make every stored page stale, in every process sharing the cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # No generation yet (fresh or evicted cache): start one. Whatever value a racing
        # process writes differs from what stored entries carry, so they are stale either way.
        cache.set(GENERATION_KEY, new_generation(), timeout=None)


def new_generation():
    """A starting generation that never repeats one used before the shared cache was emptied
    (a restarted Redis must not make old per-process copies look current)."""
    return time.time_ns()


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
    status, headers, body, gzipped, _expires = entry
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
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, new_generation(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        entry = local_entries.get(key, generation)
        if entry is None:
            stored = cache.get(key)
            if stored is not None and stored[0] == generation:
                entry = stored[1]
                local_entries.put(key, generation, entry)
        if entry is not None and _fresh(entry):
            return _build_response(request, entry, "HIT")

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
        expires = getattr(request, "page_cache_expires", None)
        timeout = settings.PAGE_CACHE_TIMEOUT
        if expires is not None:
            timeout = max(1, min(timeout, int(expires - time.time()) + 1))
        entry = (response.status_code, headers, body, gzip.compress(body, compresslevel=6), expires)
        cache.set(key, (generation, entry), timeout=timeout)
        local_entries.put(key, generation, entry)
        return _build_response(request, entry, "MISS")
