"""Rendered page chrome kept per process for one cache generation.

Why: an uncached render spent about a third of its CPU on the same few pieces on every page
(main menu, footer, site alert, latest news and videos, the sign-up box), each a handful of
queries and templates whose output only changes when content changes. Every content change
already bumps the page cache's generation (page_cache/purge.py), so a fragment rendered in
the current generation is exactly as fresh as a page rendered now: fragments live in a
per-process dict that is emptied as soon as a request sees a new generation. No network
round-trip and no pickling, and nothing to purge on other nodes.

A fragment a process does not have yet is looked up in the shared cache before it is rendered:
right after a purge each worker's first render would otherwise render every piece of chrome
again, one worker after the other, while a publish during a surge is exactly when CPU is short.
One shared entry per fragment key, holding the generation it was rendered in and overwritten
by the next one, so publishes never add entries (the file cache culls at random when full).

A fragment's key is everything its output depends on besides content: the language and host
always, plus what the caller names (the active menu section for aria-current, the page's
language tree). Content that changes by the clock (an alert's start or end) gives its moment:
the fragment is rendered again after it, and every page that reuses it meanwhile still gets
that expiry (expire_cached_page_at). Fragments must not contain anything per request (CSRF
tokens, CSP nonces, the visitor's own data): they are shared by every visitor.
"""

import hashlib
import threading

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from .middleware import current_generation, expire_cached_page_at

# Chrome fragments per generation: languages × sections × a few pieces; a bound in case a key
# ever varies more than intended (the dict is emptied, never grown past it).
MAX_FRAGMENTS = 1000


class Fragments:
    def __init__(self):
        self.generation = None
        self.entries = {}
        self.lock = threading.Lock()

    def get_or_render(self, request, key, render):
        """The HTML for `key`, rendered by `render()` (returning the HTML and the moment it
        stops being right, or None) at most once per generation in this process, and usually
        once per generation in all of them."""
        generation = request_generation(request)
        key = (get_language(), request.get_host(), *key)
        with self.lock:
            if generation != self.generation:
                self.entries = {}
                self.generation = generation
            entry = self.entries.get(key)
        if not _unexpired(entry):
            entry = _shared_entry(key, generation)
            if not _unexpired(entry):
                # Rendered outside the lock: two requests may render the same fragment once each.
                entry = render()
                cache.set(
                    _shared_key(key), (generation, entry), timeout=settings.PAGE_CACHE_TIMEOUT
                )
            with self.lock:
                if generation == self.generation:
                    if len(self.entries) >= MAX_FRAGMENTS:
                        self.entries = {}
                    self.entries[key] = entry
        html, expires = entry
        expire_cached_page_at(request, expires)
        return html

    def clear(self):
        with self.lock:
            self.entries = {}
            self.generation = None


fragments = Fragments()


def _unexpired(entry):
    return entry is not None and (entry[1] is None or timezone.now() < entry[1])


def _shared_key(key):
    return "pagecache:fragment:" + hashlib.sha256(repr(key).encode()).hexdigest()


def _shared_entry(key, generation):
    """(html, expires) rendered by another process in this generation, or None."""
    shared = cache.get(_shared_key(key))
    if shared is not None and shared[0] == generation:
        return shared[1]
    return None


def request_generation(request):
    """The generation, read once per request (before anything is rendered, so a fragment is
    never stored under a generation newer than the content it shows)."""
    if not hasattr(request, "_page_cache_generation"):
        request._page_cache_generation = current_generation()
    return request._page_cache_generation
