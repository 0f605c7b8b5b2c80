"""The page chrome kept between renders (bostonems_site/fragments.py) as visitors see it."""

import pytest
from django.test import override_settings

from bostonems_site.content_generation import bump_generation
from bostonems_site.fragments import Fragments
from bostonems_site.tests.helpers import home_page, publish, soup
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


def test_after_a_change_each_fragment_is_rendered_once_for_all_workers(rf):
    renders = []

    def render_menu():
        renders.append("menu")
        return "<nav>Divisions</nav>", None

    worker, other_worker = Fragments(), Fragments()
    assert worker.get_or_render(rf.get("/"), ("menu",), render_menu) == "<nav>Divisions</nav>"
    assert other_worker.get_or_render(rf.get("/"), ("menu",), render_menu) == "<nav>Divisions</nav>"
    assert renders == ["menu"]
    bump_generation()  # content changed: the menu may have too
    other_worker.get_or_render(rf.get("/"), ("menu",), render_menu)
    assert renders == ["menu", "menu"]


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_new_section_and_a_renamed_parent_show_on_the_next_render(client, seeded_site):
    from divisions.models import DivisionIndexPage

    def trail(url):
        return [link.get_text() for link in soup(client, url).select("nav.breadcrumbs a")]

    assert client.get("/careers/").status_code == 404
    assert trail("/divisions/field-operations/")[1] == "Divisions"
    publish(home_page(), StandardPage(title="Careers", slug="careers"))
    index = DivisionIndexPage.objects.get(locale__language_code="en")
    index.title = "Our divisions"
    index.save_revision().publish()
    assert client.get("/careers/").status_code == 200
    assert trail("/divisions/field-operations/")[1] == "Our divisions"
    assert trail("/divisions/training/")[1] == "Our divisions"
