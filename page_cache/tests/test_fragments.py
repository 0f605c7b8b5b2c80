"""The page chrome kept between renders (page_cache/fragments.py) as visitors see it."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bostonems_site.tests.helpers import count_queries, home_page, publish, soup
from page_cache.fragments import fragments
from standard_pages.models import StandardPage

pytestmark = pytest.mark.django_db


def menu_links(client, url):
    menu = soup(client, url).select_one("nav.main-menu")
    return {link.get_text(strip=True): link.get("aria-current") for link in menu.select("a")}


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_menu_marks_each_pages_own_section(client, seeded_site):
    assert menu_links(client, "/divisions/")["Divisions"] == "page"
    assert menu_links(client, "/divisions/field-operations/")["Divisions"] == "true"
    assert menu_links(client, "/")["Divisions"] is None


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_published_page_is_in_the_menu_on_the_next_render(client, seeded_site):
    assert "Careers" not in menu_links(client, "/divisions/")
    publish(home_page(), StandardPage(title="Careers", slug="careers", show_in_menus=True))
    assert "Careers" in menu_links(client, "/divisions/")


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_chrome_stays_in_each_pages_language(client, translated_site):
    english = soup(client, "/").select_one("footer").get_text(" ", strip=True)
    spanish = soup(client, "/es/").select_one("footer").get_text(" ", strip=True)
    assert english != spanish
    assert soup(client, "/").select_one("footer").get_text(" ", strip=True) == english


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_after_a_change_each_piece_of_chrome_is_rendered_once_for_all_workers(client, seeded_site):
    count_queries(client, "/divisions/")  # the first render after a content change
    chrome_kept_here = _queries_for(client, "/divisions/")
    fragments.clear()  # another worker, which has kept nothing of its own yet
    assert _queries_for(client, "/divisions/") == chrome_kept_here
