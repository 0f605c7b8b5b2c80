"""What page_cache/front_server.py purges in nginx. Through a real nginx, after real editor
actions: tests/test_topology.py. Here, in-process: the list of every address a
whole-site purge covers, and a front server that is down costing the editor nothing."""

import logging

import pytest
from django.test import override_settings
from wagtail.models import Page

from news.models import NewsPage
from page_cache import front_server
from testing.servers import free_port

pytestmark = pytest.mark.django_db


def test_a_whole_site_purge_covers_every_page_live_or_not_and_the_site_files(seeded_site):
    taken_down = NewsPage.objects.live().first()
    taken_down.unpublish()
    urls = front_server.all_urls()
    for page in Page.objects.filter(depth__gt=1):
        assert page.get_full_url() in urls, page.url_path
    root = seeded_site.get_site().root_url
    assert taken_down.get_full_url() in urls
    for path in ["/sitemap.xml", "/robots.txt", "/news/feed/", "/news/atom/", "/es/search/"]:
        assert root + path in urls, path


def test_old_addresses_of_a_moved_page_and_its_children_are_purged(seeded_site):
    news_index = Page.objects.get(url_path__endswith="/news/").specific
    old_child_urls = {child.get_full_url() for child in news_index.get_children()}
    old_path = news_index.url_path
    news_index.slug = "updates"
    news_index.save()
    news_index.refresh_from_db()
    old = front_server._old_urls(news_index, old_path)
    assert old_child_urls <= old
    assert news_index.get_full_url().replace("/updates/", "/news/") in old


def test_a_front_server_that_is_down_is_logged_and_skipped(seeded_site, caplog):
    closed = f"http://127.0.0.1:{free_port()}"
    backends = {
        "nginx": {"BACKEND": "page_cache.front_server.NginxPurgeBackend", "LOCATION": closed}
    }
    pending = front_server.PendingFrontPurge()
    pending.everything = True
    with override_settings(WAGTAILFRONTENDCACHE=backends), caplog.at_level(logging.WARNING):
        pending()  # no exception: the editor's change is committed whatever happens here
    warnings = [r for r in caplog.records if r.name == "page_cache.front_server"]
    assert len(warnings) == 1  # one line for the whole batch, not one per address
    assert "could not be purged" in warnings[0].getMessage()
