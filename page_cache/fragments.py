"""Rendered page chrome, and the rows every page reads, kept for one content generation.

Why: an uncached render spent about a third of its CPU on the same few pieces on every page
(main menu, footer, site alert, latest news and videos, the sign-up box), each a handful of
queries and templates whose output only changes when content changes. Every content change
already sets a new content generation (page_cache/content_generation.py), so a fragment
rendered in the current generation is exactly as fresh as a page rendered now, and nothing
needs purging.

Two levels. Each process keeps fragments in a dict, each with the stamp of the content it was
made from (the generation, or when the page models it names last changed): a steady-state
render pays no round-trip and no unpickling for them. A fragment the process does not have a
current copy of is looked up in the shared cache before it is rendered: right after a purge,
each worker's first render would otherwise render every piece of chrome again, one worker after
the other, while a publish during a surge is exactly when CPU is short. One shared entry per
fragment key, holding its stamp and overwritten by the next one, so publishes never add entries
(the file cache culls at random when full).

A fragment's key is everything its output depends on besides content: the language and host
name (not the port, which the Host header may give as anything: each would be a new entry)
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
URLs, the site's root page becoming the page shown) never reaches another. Mostly what many
pages share is kept: a page's own content is the full-page cache's job. The exceptions are
the parts that cost a large share of a page's render and change with other pages, kept per
page: a division's related videos (their stills and the language rules were a fifth of the
page's CPU) and a page's language links, as plain dicts (a tenth of every page's CPU).

What a change can affect: by default a kept piece is made again after any content change. A
piece that shows only rows of some page models names them (`page_models`, the labels of the
models: the division cards name the division pages) and is kept until pages of those models,
or anything other than pages, change (page_cache/content_generation.py): publishing news
items during an emergency then re-renders the news box, not the list of every division. Name
a model only when everything the piece shows comes from rows of the models named, or from the
key; a piece used while another is made (the news index inside the news box) adds what it
depends on to the other's, so a kept row cannot make a piece wrongly look current.
page_cache/tests/test_fragments.py checks each named piece against a fresh render after
publishing a page of every model.
"""

import copy
import hashlib
import threading

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.translation import get_language

from .content_generation import expire_cached_page_at, request_changes, request_generation

# Fragments kept in a process: languages × (sections × a few pieces + the pages kept one by
# one: their language links, a division's videos); a bound in case a key ever varies more than
# intended (the dict is emptied, never grown past it).
MAX_FRAGMENTS = 5000
SHARED_KEY_PREFIX = "pagecache:fragment:2:"


class Fragments:
    def __init__(self):
        self.entries = {}
        self.lock = threading.Lock()

    def get_or_render(self, request, key, render, page_models=None):
        """The HTML for `key`, rendered by `render()` (returning the HTML and the moment it
        stops being right, or None) at most once per content change in this process, and
        usually once in all of them; `page_models` as in the module's docstring."""
        html, expires = self._entry(request, key, render, page_models)
        expire_cached_page_at(request, expires)
        return html

    def get_or_compute(self, request, key, compute, page_models=None):
        """A copy (copy_for_request) of the model instance or list of them `compute()` returns
        (rows that only change with content), computed at most once per content change in this
        process, and usually once in all of them. Without a request (a render outside one, e.g.
        an email), computed each time."""
        if request is None:
            return compute()
        value, _expires = self._entry(request, key, lambda: (compute(), None), page_models)
        return copy_for_request(value)

    def _entry(self, request, key, make, page_models):
        key = (get_language(), _host_name(request), *key)
        with self.lock:
            kept = self.entries.get(key)
        if not _current(request, kept):
            kept = _shared_entry(key)
            if not _current(request, kept):
                kept = _make(request, make, page_models)
                cache.set(_shared_key(key), kept, timeout=settings.PAGE_CACHE_TIMEOUT)
            with self.lock:
                if len(self.entries) >= MAX_FRAGMENTS:
                    self.entries = {}
                self.entries[key] = kept
        _depends_on(request, kept[0])
        return kept[2]

    def clear(self):
        with self.lock:
            self.entries = {}


fragments = Fragments()


def _host_name(request):
    """The host name of the request (checked against ALLOWED_HOSTS), worked out once: a page
    uses a dozen pieces."""
    if "_fragments_host" not in request.__dict__:
        request._fragments_host = split_domain_port(request.get_host())[0]
    return request._fragments_host


def _stamp(request, scopes):
    """What a piece made now, depending on `scopes` (page model labels; None: everything), is
    valid for: the content generation, or when each of those models last changed."""
    if scopes is None:
        return request_generation(request)
    return tuple(sorted(request_changes(request, scopes).items()))


def _current(request, kept):
    """Whether `kept`, (scopes, stamp, (value, expires)), can be used for this request."""
    if kept is None:
        return False
    scopes, stamp, (_value, expires) = kept
    return (expires is None or timezone.now() < expires) and stamp == _stamp(request, scopes)


def _make(request, make, page_models):
    """(scopes, stamp, make()), the scopes widened by what the pieces used meanwhile depend on;
    the stamp is read before anything is made."""
    scopes = None if page_models is None else set(page_models)
    stamp = _stamp(request, scopes)
    making = request.__dict__.setdefault("_fragments_making", [])
    making.append(scopes)
    try:
        entry = make()
    finally:
        widened = making.pop()
    if widened != scopes:
        stamp = _stamp(request, widened)  # read before the pieces that widened it were made
    return (None if widened is None else frozenset(widened), stamp, entry)


def _depends_on(request, scopes):
    """Pieces being made while this one is used depend on what it depends on too."""
    making = request.__dict__.get("_fragments_making")
    for index, outer in enumerate(making or ()):
        if outer is not None:
            making[index] = None if scopes is None else outer | scopes


def _shared_key(key):
    # The prefix names the entries' format: during a deploy, processes of the old and the new
    # version share the cache, and neither may read the other's entries.
    return SHARED_KEY_PREFIX + hashlib.sha256(repr(key).encode()).hexdigest()


def _shared_entry(key):
    """(scopes, stamp, (value, expires)) as another process made it, or None."""
    return cache.get(_shared_key(key))


def copy_for_request(instance):
    """A copy of a model instance (or of each in a list) and of the related rows fetched with
    it (select_related): Wagtail caches per-request things on both (the site's root page
    becomes the page shown). A dict of plain values is copied as a dict."""
    if isinstance(instance, list):
        return [copy_for_request(item) for item in instance]
    if instance is None:
        return None
    if isinstance(instance, dict):
        return dict(instance)
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

        # Kept per host name, not per port: this site has one Site per host name (ports
        # would let anyone add entries).
        request._wagtail_site = fragments.get_or_compute(request, ("site",), find)
        return None
