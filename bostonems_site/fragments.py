"""Rendered page chrome, and the rows every page reads, kept for one content generation.

Why: an uncached render spent about a third of its CPU on the same few pieces on every page
(main menu, footer, site alert, latest news and videos, the sign-up box), each a handful of
queries and templates whose output only changes when content changes. Every content change
already sets a new content generation (bostonems_site/content_generation.py), so a fragment
rendered in the current generation is exactly as fresh as a page rendered now, and nothing
needs purging.

Two levels. Each process keeps fragments in a dict, emptied as soon as a request sees a new
generation: a steady-state render pays no round-trip and no unpickling for them. A fragment the
process does not have yet is looked up in the shared cache before it is rendered: right after a
purge, each worker's first render would otherwise render every piece of chrome again, one worker
after the other, while a publish during a surge is exactly when CPU is short. One shared entry
per fragment key, holding the generation it was made in and overwritten by the next one, so
publishes never add entries (the file cache culls at random when full).

A fragment's key is everything its output depends on besides content: the language and host
always, plus what the caller names (the active menu section for aria-current, the page's
language tree). Content that changes by the clock (an alert's start or end) gives its moment:
the fragment is rendered again after it, and every page that reuses it meanwhile still gets
that expiry (expire_cached_page_at). Fragments must not contain anything per request (CSRF
tokens, CSP nonces, the visitor's own data): they are shared by every visitor.

Rows many pages read that only change with content (the Wagtail site, its settings, the
site-wide text, the news index and gallery, the site's sections, a breadcrumb trail) are kept
the same way (`get_or_compute`): reading one costs a millisecond or more of query
building, pickling it a tenth of that. Each request gets its own copies of them and of the rows
fetched with them, so what Wagtail caches on them for one request (the request itself, its
URLs, the site's root page becoming the page shown) never reaches another. Only what many
pages share is kept: a page's own content is the full-page cache's job.
"""

import copy
import hashlib
import threading

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from .content_generation import expire_cached_page_at, request_generation

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
        html, expires = self._entry(request, key, render)
        expire_cached_page_at(request, expires)
        return html

    def get_or_compute(self, request, key, compute):
        """A copy (copy_for_request) of the model instance or list of them `compute()` returns
        (rows that only change with content), computed at most once per generation in this
        process, and usually once per generation in all of them. Without a request (a render
        outside one, e.g. an email), computed each time."""
        if request is None:
            return compute()
        value, _expires = self._entry(request, key, lambda: (compute(), None))
        return copy_for_request(value)

    def _entry(self, request, key, make):
        generation = request_generation(request)
        key = (get_language(), request.get_host(), *key)
        with self.lock:
            if generation != self.generation:
                self.entries = {}
                self.generation = generation
            entry = self.entries.get(key)
        if _unexpired(entry):
            return entry
        entry = _shared_entry(key, generation)
        if not _unexpired(entry):
            # Made outside the lock: two requests may make the same entry once each.
            entry = make()
            cache.set(_shared_key(key), (generation, entry), timeout=settings.PAGE_CACHE_TIMEOUT)
        with self.lock:
            if generation == self.generation:
                if len(self.entries) >= MAX_FRAGMENTS:
                    self.entries = {}
                self.entries[key] = entry
        return entry

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


def copy_for_request(instance):
    """A copy of a model instance (or of each in a list) and of the related rows fetched with
    it (select_related): Wagtail caches per-request things on both (the site's root page
    becomes the page shown)."""
    if isinstance(instance, list):
        return [copy_for_request(item) for item in instance]
    if instance is None:
        return None
    duplicate = copy.copy(instance)  # Django copies the related-rows cache dict as well
    related = duplicate._state.fields_cache
    for name, row in related.items():
        related[name] = copy.copy(row)
    return duplicate


class SiteMiddleware:
    """Hands Wagtail's page view the request's site (Site.find_for_request keeps it on the
    request as `_wagtail_site`, its documented cache) from the kept copy: routing, settings and
    URLs all start from it, and looking it up by host name is one query per request otherwise.
    Only for pages: the health check and other plain views must not need the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail.models import Site
        from wagtail.views import serve

        if view_func is not serve:
            return None

        def find():
            site = Site.find_for_request(request)
            if site is not None:
                # Wagtail routes every request from `site.root_page.localized.specific`: kept
                # as its specific type (the home page), that is one query fewer per request.
                site.root_page = site.root_page.specific
            return site

        request._wagtail_site = fragments.get_or_compute(
            request, ("site", request.get_port()), find
        )
        return None
