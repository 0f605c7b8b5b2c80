"""Full-page cache for anonymous visitors.

Why our own middleware rather than Django's per-site cache middleware or wagtail-cache:
- a hit must cost zero SQL queries, so the lookup happens before Wagtail's routing and before
  anything touches the session or the user;
- Django's middleware keys on Vary: Cookie and caches per visitor once any cookie is set;
  wagtail-cache 3 does not support Wagtail 8;
- purging must reach every worker and node at once. Entries carry the content "generation"
  they were rendered in (page_cache/content_generation.py); any content change sets a new
  generation in the shared cache (file cache on one node, Redis for several), so every process
  sees old entries as stale on its next request. A generation is the time of the purge in
  nanoseconds: unique, and it tells how long ago pages went stale. A hit costs one small
  round-trip for the generation and the take-down records of its address; the page itself
  usually comes from a per-process copy (LocalEntries) that is only used while its generation
  is current.

Stale-while-revalidate with one renderer: a purge does not delete anything. Each key keeps its
last good copy (for PAGE_CACHE_STALE_TIMEOUT, 7 days), and a copy from an older generation, or
past its freshness, is exactly the stale copy. The first request that finds it stale takes a
short lock in the shared cache (`cache.add`, so one request per page across all workers and
nodes) and renders; every other request meanwhile gets the stale copy (X-Cache: STALE), unless
the page was taken down since (below). Caches in front (nginx's micro-cache, a CDN) may keep
a stale copy only as long as this cache will serve it (_stale_response), never for their own
lifetime: they send the new copy as soon as it is rendered here.

One stale page re-rendered at a time per node: a publish makes every page stale at once, and if
each page type's first request rendered at once, every worker of the node would be rendering
(on a 2-core node: all workers busy for the length of several renders competing for CPU) and
nobody would serve the stale copies, so throughput fell by half and p99 rose tenfold during
publishes in the bench. A second lock per node (RENDER_SLOT_KEY plus the host name) lets one
worker revalidate while the others keep serving; the next stale request after it finishes
renders the next page. Pages with no copy at all are rendered regardless (nothing to serve).

Publishes in a row: during an emergency editors may publish every few seconds, and each publish
makes every page stale. A page rendered less than PAGE_CACHE_RERENDER_INTERVAL (5 s) ago is not
rendered again yet: its copy is served (STALE) until it is that old, so a stream of publishes
re-renders each page at most every 5 s rather than after each publish, and the first publish
after a quiet spell is seen at once.

Bounded staleness: a page waits for its node's render slot for at most half of
PAGE_CACHE_REVALIDATE_SECONDS (10 s) after it went stale, then renders without it (still one
request per page). So a visitor sees a page at most about 5 s older than the last publish (the
re-render interval or the wait for the slot, plus one render), however many pages are stale at
once. A renderer that dies holds its page's lock for PAGE_CACHE_REVALIDATE_SECONDS at most.

Serve stale on error: when the database is unreachable the view fails with
`DATABASE_ERRORS`; `process_exception` (and handler500 for failures outside views) turns that
into the designed 503 page with Retry-After, and for a cacheable request the last good copy
is served instead, as STALE. No copy: the 503.

Take-downs win over every cache (the rule, also in docs/deployment.md): a copy is served after
its page changed only as the stale copy above (while re-rendering, within the re-render
interval, while the database is down), and never once the page, or a page above it, was
unpublished, expired, deleted, restricted, moved or renamed after the copy was made
(page_cache/takedowns.py: the purge records the address; each request reads the records of its
address in the round-trip that reads the generation; a copy keeps the records it saw). Such a
request renders, as if there were no copy: a 404, the login page, or during a database outage
the 503. A fresh answer that is not stored (404, 410, a redirect, a private page) replaces the
stored copy with a "gone" marker (None), in the shared cache and this process, so nobody
serves the old copy as stale again. Ordinary publishes keep stale-while-revalidate.

Cache keys, bounded: scheme, host name (not the port), path and only the query parameters
some page reads (PAGE_CACHE_QUERY_PARAMETERS: pagination, filters, the search text), and of
those only the values the view validated (vary_cached_page_on): a request spelled otherwise is
redirected to the spelling the view gave, or answered without being stored, so made-up values
never add entries. Search results say `private` and are never stored. Others (?cb=N, utm_*)
are ignored. Paths deeper than takedowns.MAX_DEPTH are never stored. The generation and the
take-down records live in their own never-culled cache alias (content_generation.PURGES_CACHE);
rate-limit counters in theirs.

Cache down: the backend is wrapped by page_cache/backends.py, which answers from per-process
memory while the shared cache is unreachable or answers errors (out of memory, read-only). Then
purges reach one process only, so copies are fresh for PAGE_CACHE_REVALIDATE_SECONDS only; when
the shared cache answers again every process that saw the outage bumps the generation once
(edits made meanwhile were never purged there). Meanwhile copies made before the outage are
never served as stale: what was taken down cannot be read (page_cache/takedowns.py).

Entries are stored with a precompressed gzip body, so a hit does no rendering and no compression.
The middleware sits first in MIDDLEWARE: stored responses already carry the headers every other
middleware added (security headers, CSP), and a hit skips all of them.
"""

import gzip
import hashlib
import socket
import threading
import time
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.module_loading import import_string

from page_cache import takedowns

from .content_generation import cache_is_degraded, request_generation

# The prefix names the entries' format: during a deploy, processes of the old and the new
# version share the cache, and neither may read the other's entries.
ENTRY_KEY_PREFIX = "pagecache:page:2:"
# Present while the cache holds at least one page copy (/healthz: can this node serve pages?).
PAGES_STORED_KEY = "pagecache:pages-stored"
LOCK_KEY_PREFIX = "pagecache:rendering:"
RENDER_SLOT_KEY = f"pagecache:render-slot:{socket.gethostname()}"
# Seconds caches in front may keep a stale copy whose page waits for its node's render slot:
# it is rendered after the node's current render, any time now, so they ask again each second
# (not on every request: during publishes in a surge, every page of the site waits so).
SLOT_WAIT_SHARED_FOR = 1
CACHE_HEADER = "X-Cache"
# Requests carrying a session (editors) or pending messages (django.contrib.messages' cookie
# storage) are always rendered fresh and never stored.
MESSAGES_COOKIE = "messages"
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")
# Headers recomputed per response or personal: never replayed from the cache.
UNCACHED_HEADERS = {"set-cookie", "content-length", "content-encoding", "x-cache"}
# What an unreachable database raises. The designed 503 page that answers them when no copy is
# stored belongs to the site, so settings name it (PAGE_CACHE_DATABASE_UNAVAILABLE_VIEW).
DATABASE_ERRORS = (OperationalError, InterfaceError)


class LocalEntries:
    """A small per-process copy of recently served entries. A hit still asks the shared cache
    for the current generation (a few bytes), so purges stay immediate on every process; only
    the page body no longer crosses the network and gets unpickled on each request. Copies of
    any generation are kept: an old one is still the stale copy to serve while revalidating."""

    def __init__(self, max_entries=256):
        self.max_entries = max_entries
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        """(generation, entry, checked) or None; `checked` is the generation that was current
        when the shared cache was last asked for this key."""
        with self.lock:
            stored = self.entries.get(key)
            if stored is not None:
                self.entries.move_to_end(key)
            return stored

    def put(self, key, generation, entry, checked=None):
        with self.lock:
            self.entries[key] = (generation, entry, generation if checked is None else checked)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


local_entries = LocalEntries()


def _fresh(entry):
    _status, _headers, _body, _gzipped, expires, stored_at, _seen = entry
    lifetime = (
        settings.PAGE_CACHE_REVALIDATE_SECONDS
        if cache_is_degraded()
        else settings.PAGE_CACHE_TIMEOUT
    )
    now = time.time()
    return now < stored_at + lifetime and (expires is None or now < expires)


def _kept_query(request):
    """The request's query parameters that some page reads (PAGE_CACHE_QUERY_PARAMETERS), in
    one spelling."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return ""
    kept = settings.PAGE_CACHE_QUERY_PARAMETERS
    return urlencode(sorted(p for p in parse_qsl(query, keep_blank_values=True) if p[0] in kept))


def _canonical_query(request):
    """The parameters the view said its answer depends on, with the values it validated
    (page_cache.content_generation.vary_cached_page_on), in the same spelling."""
    kept = settings.PAGE_CACHE_QUERY_PARAMETERS
    named = getattr(request, "page_cache_parameters", {})
    return urlencode(sorted((name, value) for name, value in named.items() if name in kept))


def _entry_key(request, query=None):
    """Scheme, host name (not the port: any port reaches the same pages, and each one would be
    a new entry), path and `query` (the request's kept parameters by default)."""
    query = _kept_query(request) if query is None else query
    host, _port = split_domain_port(request.get_host())
    raw = f"{request.scheme}://{host}{request.path}?{query}"
    return ENTRY_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


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
    status, headers, body, gzipped, _expires, _stored_at, _seen = entry
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


def _stale_response(request, entry, shared_for=0):
    """The stale copy. Caches in front (nginx's micro-cache, a CDN) may keep it only as long as
    this cache itself will go on serving it: `shared_for` whole seconds, when the page was
    rendered so recently that it is not rendered again before then (publishes in a row), or
    waits for the node's render slot; else not at all (another request is rendering the new
    copy, which may be there at any moment, or the database is down). Kept for their own
    lifetime, they would send the previous page for seconds after the new one was rendered.
    X-Accel-Expires is nginx's own header for this (it ignores Cache-Control, which speaks to
    CDNs) and is not passed on to visitors."""
    response = _build_response(request, entry, "STALE")
    if shared_for >= 1:
        response["Cache-Control"] = f"public, max-age=0, s-maxage={shared_for}"
        response["X-Accel-Expires"] = str(shared_for)
    else:
        response["Cache-Control"] = "private, max-age=0"
        response["X-Accel-Expires"] = "0"
    return response


def _current(copy, generation, seen):
    return (
        copy is not None
        and copy[1] is not None
        and copy[0] == generation
        and copy[1][6] == seen
        and _fresh(copy[1])
    )


def _servable(copy, seen):
    """`copy` if it may be served as a stale copy, else None: not a "gone" marker, made after
    the last take-down of its address (page_cache/takedowns.py), and not older than
    PAGE_CACHE_STALE_TIMEOUT (a per-process copy can outlive the shared one)."""
    if copy is None or copy[1] is None:
        return None
    _status, _headers, _body, _gzipped, _expires, stored_at, copy_seen = copy[1]
    if copy_seen != seen or time.time() - stored_at > settings.PAGE_CACHE_STALE_TIMEOUT:
        return None
    return copy


def _until_rerender(entry):
    """Seconds until `entry` may be rendered again (PAGE_CACHE_RERENDER_INTERVAL after it was
    rendered); 0 or less once it may."""
    _status, _headers, _body, _gzipped, _expires, stored_at, _seen = entry
    return stored_at + settings.PAGE_CACHE_RERENDER_INTERVAL - time.time()


def _stale_for(copy, generation):
    """Seconds since `copy` went stale: since the purge that replaced its generation, else
    since its freshness or its expiry ran out."""
    copy_generation, (_status, _headers, _body, _gzipped, expires, stored_at, _seen) = copy
    if copy_generation != generation:
        since = generation / 1e9
    else:
        since = stored_at + settings.PAGE_CACHE_TIMEOUT
        if expires is not None:
            since = min(since, expires)
    return time.time() - since


def _last_copy(key, generation, recheck=False):
    """(generation, entry) of the newest copy this process can reach, or None. The shared
    cache is asked once per generation (or on `recheck`): while another request renders, the
    stale copy comes from this process's memory, not over the network every time."""
    local = local_entries.get(key)
    if local is not None and not recheck and generation in (local[0], local[2]):
        return local[:2]
    shared = cache.get(key)
    copy = shared if shared is not None else (local[:2] if local is not None else None)
    if copy is not None:
        local_entries.put(key, *copy, checked=generation)
    return copy


def _store(request, response, key, generation, seen):
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_S_MAXAGE)
    body = response.content
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in UNCACHED_HEADERS
    ]
    expires = getattr(request, "page_cache_expires", None)
    gzipped = gzip.compress(body, compresslevel=6)
    entry = (response.status_code, headers, body, gzipped, expires, time.time(), seen)
    cache.set(key, (generation, entry), timeout=settings.PAGE_CACHE_STALE_TIMEOUT)
    cache.set(PAGES_STORED_KEY, True, timeout=settings.PAGE_CACHE_STALE_TIMEOUT)
    local_entries.put(key, generation, entry)
    return entry


def _mark_gone(key, generation):
    """A fresh answer that is not stored (404, a redirect, a private page) replaces the stored
    copy with a "gone" marker, in the shared cache and here: no process serves the old copy
    again, and the next request renders."""
    cache.set(key, (generation, None), timeout=settings.PAGE_CACHE_STALE_TIMEOUT)
    local_entries.put(key, generation, None)


def _not_stored(request, response, query, canonical):
    """A request whose parameters are not spelled as the view validated them gets no entry
    of its own: redirected to the spelling the view gave when it validated every parameter
    the request has ("?page=01", "?page=abc" where the view shows page 1), else (a parameter
    the view does not read, or one it refused with a message) answered without being stored."""
    validated = getattr(request, "page_cache_parameters", {})
    if {name for name, _value in parse_qsl(query, keep_blank_values=True)} <= validated.keys():
        location = escape_uri_path(request.path) + (f"?{canonical}" if canonical else "")
        return HttpResponseRedirect(location)
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)

        records = takedowns.record_keys(request.path)
        if records is None:
            return self.get_response(request)  # deeper than any page: never stored
        generation, found = request_generation(request, also=records)
        seen = takedowns.seen(records, found)
        query = _kept_query(request)
        key = _entry_key(request, query)
        copy = _last_copy(key, generation)
        if _current(copy, generation, seen):
            return _build_response(request, copy[1], "HIT")
        had_copy = copy is not None and copy[1] is not None
        copy = _servable(copy, seen)  # taken down since: as if there were none
        if copy is not None and (wait := _until_rerender(copy[1])) > 0:
            return _stale_response(request, copy[1], int(wait))  # publishes in a row

        timeout = settings.PAGE_CACHE_REVALIDATE_SECONDS
        locks = [LOCK_KEY_PREFIX + key]
        if copy is not None and _stale_for(copy, generation) < timeout / 2:
            locks.insert(0, RENDER_SLOT_KEY)
        held = []
        for lock in locks:
            if not cache.add(lock, 1, timeout=timeout):
                break
            held.append(lock)
        try:
            if copy is not None and held != locks:
                if locks[len(held)] == RENDER_SLOT_KEY:  # this node renders another page first
                    return _stale_response(request, copy[1], SLOT_WAIT_SHARED_FOR)
                return _stale_response(request, copy[1])  # another request renders this page
            if copy is not None:
                copy = _last_copy(key, generation, recheck=True)  # rendered meanwhile elsewhere?
                if _current(copy, generation, seen):
                    return _build_response(request, copy[1], "HIT")
                copy = _servable(copy, seen)
            response = self.get_response(request)
            if getattr(response, "database_unavailable", False):
                return _stale_response(request, copy[1]) if copy else response
            if not _response_is_cacheable(request, response):
                if had_copy and response.status_code < 500:
                    _mark_gone(key, generation)
                return response
            canonical = _canonical_query(request)
            if canonical != query:
                return _not_stored(request, response, query, canonical)
            entry = _store(request, response, key, generation, seen)
        finally:
            if held:
                cache.delete_many(held)
        return _build_response(request, entry, "MISS")

    def process_exception(self, request, exception):
        """The database is unreachable: the designed 503 page (swapped for the last good copy
        in __call__ when there is one) rather than a 500."""
        if isinstance(exception, DATABASE_ERRORS):
            database_unavailable = import_string(settings.PAGE_CACHE_DATABASE_UNAVAILABLE_VIEW)
            return database_unavailable(request, exception)
        return None


def pages_are_stored():
    """Whether the shared cache holds pages to serve (the health check asks, through
    settings.HEALTH_PAGES_STORED)."""
    return cache.get(PAGES_STORED_KEY) is not None
