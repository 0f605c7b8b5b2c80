"""The version of the site's content, shared by every process through the cache.

Every change visitors could see (page_cache/purge.py lists them) writes a new generation when it
commits: the time of the change in nanoseconds, so a generation is never reused (not even after
the shared cache was emptied) and tells how long ago the content changed. Whatever is kept for
visitors keys on it: stored pages (page_cache/middleware.py) and the chrome and rows every page
reads (bostonems_site/fragments.py). Something kept under the current generation is exactly as
fresh as rendering it now, so nothing else ever needs purging.
"""

import time

from django.core.cache import cache

GENERATION_KEY = "pagecache:generation"


def expire_cached_page_at(request, moment):
    """Content that changes by the clock (an alert's start or end) calls this while rendering:
    the stored page is not served after `moment` (a datetime; None changes nothing)."""
    if moment is None:
        return
    expires = moment.timestamp()
    current = getattr(request, "page_cache_expires", None)
    request.page_cache_expires = expires if current is None else min(current, expires)


def cache_is_degraded():
    """Whether the shared cache is unreachable (page_cache/backends.py answers from memory)."""
    return getattr(cache, "is_degraded", False)


def bump_generation():
    """Make every stored page stale, in every process sharing the cache. Called after the
    change is committed; if two purges race, whichever value is written last is still newer
    than anything rendered before either commit."""
    cache.set(GENERATION_KEY, new_generation(), timeout=None)


def new_generation():
    """The time now, in nanoseconds: never a generation used before, even after the shared
    cache was emptied (a restarted Redis must not make old per-process copies look current)."""
    return time.time_ns()


def request_generation(request):
    """The generation, read once per request, before anything is rendered: the page cache and
    the fragments store what the request renders under it, never under a newer generation than
    the content it shows."""
    if not hasattr(request, "_content_generation"):
        request._content_generation = current_generation()
    return request._content_generation


def current_generation():
    was_degraded = cache_is_degraded()
    generation = cache.get(GENERATION_KEY)
    if was_degraded and not cache_is_degraded():
        bump_generation()  # content edited during the outage was purged in one process only
        generation = None
    if generation is None:
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation
