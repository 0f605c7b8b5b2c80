"""Purge the front server's cache (nginx's micro-cache, deploy/nginx/bostonems.conf) and a CDN
when editors change what visitors may see.

The app's own page cache is purged by page_cache/purge.py; this module tells the caches in front
of the app, through Wagtail's frontend-cache backends (WAGTAILFRONTENDCACHE, built in
settings/production.py from FRONT_CACHE_PURGE_URLS and the CDN variables):

- a page published, its address unchanged: that page's addresses (its own, a feed's). Lists
  that show it (home, News) catch up when their micro-cache copy expires, within seconds, as
  they do in the app's cache (PAGE_CACHE_RERENDER_INTERVAL);
- a take-down (unpublish, expiry, delete, a new view restriction, a move, a new slug) and any
  other change visitors see (a snippet, a setting, an image, a redirect, a site, a locale, as
  page_cache/purge.py decides): every address the site has, and the old addresses of the pages
  affected. A copy of a taken-down page, or of a list still showing it, would otherwise be sent
  by nginx for as long as the nodes are down (proxy_cache_use_stale). nginx stores only
  addresses without a query string, and Debian's ngx_cache_purge has no wildcard, so "every
  address" is every page's addresses plus the site's fixed ones (sitemap, robots.txt, ...).

Purges are sent when the transaction commits (before it, a visitor's request would store the old
content again), once per transaction, from the editor's request or the management command that
made the change: never inside a visitor's request. A front server that is down or slow costs the
editor at most PURGE_TIMEOUT and a log line: its copies expire within seconds anyway, and a
restarted nginx should start with an empty cache (docs/deployment.md).
"""

import contextlib
import copy
import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends, purge_urls_from_cache
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from page_cache.purge import DRAFT_ONLY_FIELDS
from page_cache.purge import _changes_public_content as changes_public_content

logger = logging.getLogger(__name__)

PURGE_TIMEOUT = 2  # seconds per front server, connection and answer
# Addresses that are not pages, per site (the search page once per language).
SITE_PATHS = ["/sitemap.xml", "/robots.txt", "/.well-known/security.txt", "/favicon.ico"]


class NginxPurgeBackend(HTTPBackend):
    """PURGE requests to ngx_cache_purge (the purge server of deploy/nginx/bostonems.conf), over
    one kept-alive connection per batch. Unlike Wagtail's HTTPBackend it waits at most
    PURGE_TIMEOUT, takes 404 ("not stored") as done, and stops at the first connection error
    with one warning rather than one error per address."""

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        connection = http.client.HTTPConnection(self.cache_netloc, timeout=PURGE_TIMEOUT)
        try:
            for url in urls:
                parts = urlsplit(url)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                connection.request("PURGE", path, headers={"Host": parts.netloc})
                response = connection.getresponse()
                response.read()
                if response.status not in (200, 404):
                    logger.warning("Front server purge of %s answered %s", url, response.status)
        except OSError as error:
            logger.warning(
                "Front server %s could not be purged (%s); its copies expire by themselves",
                self.cache_netloc,
                error,
            )
        finally:
            connection.close()


class PendingFrontPurge:
    """What one transaction purges when it commits: some addresses, or everything."""

    def __init__(self):
        self.urls = set()
        self.pages = {}
        self.everything = False

    def __call__(self):
        try:
            urls = set(self.urls)
            for page in self.pages.values():
                urls.update(page_urls(page))
            if self.everything:
                urls.update(all_urls())
            purge_urls_from_cache(sorted(urls))
        except Exception:  # a purge must never fail the editor's action, which is committed
            logger.exception("The front server purge failed")


def _purge_on_commit(urls=(), page=None, everything=False):
    """Add to what the current transaction purges when it commits (in autocommit: now)."""
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, PendingFrontPurge):
            pending = callback
            break
    else:
        pending = PendingFrontPurge()
        if connection.in_atomic_block:
            transaction.on_commit(pending)
    pending.urls.update(urls)
    if page is not None:
        pending.pages[page.pk] = page
    pending.everything = pending.everything or everything
    if not connection.in_atomic_block:
        pending()


def page_urls(page):
    """Every address of `page` a cache may hold: its own and its cached paths (a news index's
    feeds are sub-pages of it)."""
    page = page.specific_deferred
    base = page.get_full_url()
    if base is None:
        return []
    paths = set(page.get_cached_paths())
    if isinstance(page, RoutablePageMixin):
        for pattern in page.get_subpage_urls():
            try:
                paths.add(page.reverse_subpage(pattern.name))
            except NoReverseMatch:  # a route with parameters: stored only under a query
                continue
    return [base + path.lstrip("/") for path in sorted(paths)]


def all_urls():
    """Every address the front server may hold: every page's (live or not: one that was just
    taken down included) and each site's fixed ones."""
    urls = set()
    for page in Page.objects.filter(depth__gt=1).specific(defer=True).iterator():
        urls.update(page_urls(page))
    for site in Site.objects.all():
        urls.update(site.root_url + path for path in SITE_PATHS)
        for language, _name in settings.LANGUAGES:
            with translation.override(language), contextlib.suppress(NoReverseMatch):
                urls.add(site.root_url + reverse("search"))
    return urls


def _old_urls(page, old_url_path):
    """The addresses `page` and its descendants had when its url_path was `old_url_path`."""
    before = copy.copy(page)
    before.url_path = old_url_path
    old_base, new_base = before.get_full_url(), page.get_full_url()
    if old_base is None or new_base is None:
        return set()
    urls = set()
    for descendant in page.get_descendants(inclusive=True).specific(defer=True):
        urls.update(url.replace(new_base, old_base, 1) for url in page_urls(descendant))
    return urls


def _remember_url_path(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not issubclass(sender, Page) or instance.pk is None:
        return
    if update_fields is not None and not {"slug", "url_path"} & set(update_fields):
        instance._front_url_path_before = instance.url_path
        return
    instance._front_url_path_before = (
        Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()
    )


def _saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or not changes_public_content(sender):
        return
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if created and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        return  # a settings row created with its defaults on first read: nothing new to see
    if issubclass(sender, Page) and created and not instance.live:
        return  # a new draft shows nowhere
    if not issubclass(sender, Page):
        _purge_on_commit(everything=True)
        return
    url_path_before = getattr(instance, "_front_url_path_before", None)
    if url_path_before not in (None, instance.url_path):
        _purge_on_commit(_old_urls(instance, url_path_before), instance, everything=True)
    else:
        # Unpublished or expired: everything; published: the page's own addresses.
        _purge_on_commit(page=instance, everything=not instance.live)


def _deleting(sender, instance, **kwargs):
    """A page about to be deleted: its addresses, while they can still be worked out."""
    if issubclass(sender, Page) and sender is instance.specific_class:
        _purge_on_commit(page_urls(instance))


def _deleted(sender, instance, **kwargs):
    if changes_public_content(sender):
        _purge_on_commit(everything=True)


def _moved(sender, instance, url_path_before=None, **kwargs):
    old_urls = _old_urls(instance, url_path_before) if url_path_before else ()
    _purge_on_commit(old_urls, everything=True)


def connect():
    """Only when a front server or CDN is configured: otherwise nothing is sent."""
    if not get_backends():
        return
    pre_save.connect(_remember_url_path, dispatch_uid="front-server-url-path")
    post_save.connect(_saved, dispatch_uid="front-server-save")
    pre_delete.connect(_deleting, dispatch_uid="front-server-deleting")
    post_delete.connect(_deleted, dispatch_uid="front-server-delete")
    post_page_move.connect(_moved, dispatch_uid="front-server-move")
