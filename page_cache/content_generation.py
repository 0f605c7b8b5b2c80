"""The version of the site's content, shared by every process through the cache.

Every change visitors could see (page_cache/purge.py lists them) writes a new generation when it
commits: the time of the change in nanoseconds, so a generation is never reused (not even after
the shared cache was emptied) and tells how long ago the content changed. Stored pages key on it
(page_cache/middleware.py): something kept under the current generation is exactly as fresh as
rendering it now, so nothing else ever needs purging.

Each change also records what it was confined to, for the pieces of chrome and the rows kept
between renders (page_cache/fragments.py): a change to pages of some page models only (an
editor publishing a news item) writes the generation under each of those models' labels; any
other change (a snippet, a setting, an image, a page moved, renamed in its URL or deleted)
writes it under EVERYTHING. A kept piece that shows only the rows of some page models (the
division cards) stays right while neither those labels nor EVERYTHING change: after publishing
a news item the next render of the home page reuses the division cards and renders only the
news box again. Values are compared for equality only, never ordered, so clocks that differ
between nodes cannot make an old piece look current.
"""

import time

from django.core.cache import cache

GENERATION_KEY = "pagecache:generation"
EVERYTHING = "*"
CHANGED_KEY_PREFIX = "pagecache:changed:"


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


def bump_generation(page_models=None):
    """Make every stored page stale, in every process sharing the cache. Called after the
    change is committed; if two purges race, whichever value is written last is still newer
    than anything rendered before either commit. `page_models`: the labels of the page models
    the change was confined to, or None for any other change (see the module's docstring)."""
    generation = new_generation()
    scopes = sorted(page_models) if page_models else [EVERYTHING]
    changed = {CHANGED_KEY_PREFIX + scope: generation for scope in scopes}
    cache.set_many({GENERATION_KEY: generation, **changed}, timeout=None)


def new_generation():
    """The time now, in nanoseconds: never a generation used before, even after the shared
    cache was emptied (a restarted Redis must not make old per-process copies look current)."""
    return time.time_ns()


def request_generation(request):
    """The generation, read once per request, before anything is rendered: the page cache
    stores what the request renders under it, never under a newer generation than the content
    it shows."""
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


def request_changes(request, scopes):
    """{scope: the generation of its last change} for EVERYTHING and the page model labels in
    `scopes`, as the request first saw them: read before the request renders anything kept, so
    a piece is never stored as newer than the content it shows. One round-trip for the scopes
    this request has not read yet."""
    seen = getattr(request, "_content_changes", None)
    if seen is None:
        request_generation(request)  # notices a shared cache that answers again first
        seen = request._content_changes = {}
    wanted = [scope for scope in (EVERYTHING, *scopes) if scope not in seen]
    if wanted:
        seen.update(_changes(wanted))
    return {scope: seen[scope] for scope in (EVERYTHING, *scopes)}


def _changes(scopes):
    keys = {CHANGED_KEY_PREFIX + scope: scope for scope in scopes}
    found = cache.get_many(list(keys))
    for key in keys.keys() - found.keys():
        # Never recorded (or evicted, or the cache was emptied): a new value, which matches no
        # piece kept before, so everything kept for that scope is made again once.
        cache.add(key, new_generation(), timeout=None)
    if len(found) < len(keys):
        found.update(cache.get_many([key for key in keys if key not in found]))
    # Still missing (the cache cannot hold it): a value of this request only, which nothing
    # kept will ever match.
    return {scope: found.get(key, new_generation()) for key, scope in keys.items()}
