"""The page chrome kept between renders (page_cache/fragments.py) as visitors see it."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction, get_page_models

from divisions.models import DivisionIndexPage, DivisionPage
from media_library.models import VideoPage
from news.models import NewsIndexPage, NewsPage
from page_cache.content_generation import bump_generation
from page_cache.fragments import Fragments, fragments
from standard_pages.models import StandardPage
from testing.helpers import empty_caches, home_page, publish, soup

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


def visible_html(client):
    """The pages showing pieces kept until pages of the models they name change (`showing`:
    the home page's division cards, news and videos, the division index's cards, a division's
    related videos), in both languages, as a visitor gets them (less the per-response CSP
    nonce)."""
    indexes = DivisionIndexPage.objects.live().order_by("locale__language_code")
    divisions = [division_with_videos(language) for language in ("en", "es")]
    urls = ["/", "/es/", *(page.url for page in [*indexes, *divisions] if page)]
    return {url: re.sub(r'nonce="[^"]*"', "", client.get(url).content.decode()) for url in urls}


def division_with_videos(language):
    """The first live division page in `language` that videos name (it shows them)."""
    named = VideoPage.objects.values("related_divisions__translation_key")
    return (
        DivisionPage.objects.live()
        .filter(translation_key__in=named, locale__language_code=language)
        .order_by("path")
        .first()
    )


def rendered_afresh(client):
    empty_caches()
    fragments.clear()
    return visible_html(client)


def edits_of_every_kind():
    """A title edit published on a live page of every page model in each language, then what
    changes other pages' addresses or lists: a new page, an unpublished one, a new slug."""
    for model in get_page_models():
        for language in ("en", "es"):
            page = model.objects.live().exact_type(model).filter(locale__language_code=language)
            if page := page.first():
                yield f"{model.__name__} ({language})", lambda page=page: _retitle(page)
    yield (
        "a new news item",
        lambda: publish(
            NewsIndexPage.objects.get(locale__language_code="en"),
            NewsPage(title="Storm shelters open", slug="storm-shelters", summary="Open now."),
        ),
    )
    division = division_with_videos("en")
    yield (
        "a video about a division",
        lambda: _retitle(
            VideoPage.objects.live().filter(
                related_divisions__translation_key=division.translation_key
            )[0]
        ),
    )
    yield "an unpublished division", lambda: DivisionPage.objects.live().first().unpublish()
    yield (
        "a division index with a new slug",
        lambda: _reslug(DivisionIndexPage.objects.get(locale__language_code="en")),
    )


def _retitle(page):
    page.title = f"{page.title} (updated)"
    page.save_revision().publish()


def _reslug(page):
    page.slug = "our-divisions"
    page.save_revision().publish()


@override_settings(PAGE_CACHE_ENABLED=False)
def test_pieces_kept_for_some_page_models_match_a_fresh_render_after_any_edit(
    client, translated_site
):
    rendered_afresh(client)
    for edit, make_edit in edits_of_every_kind():
        make_edit()
        kept = visible_html(client)
        assert kept == rendered_afresh(client), edit


@override_settings(PAGE_CACHE_ENABLED=False)
def test_publishing_a_news_item_does_not_list_the_divisions_again(client, translated_site):
    client.get("/")
    _retitle(NewsPage.objects.live().filter(locale__language_code="en").first())
    with CaptureQueriesContext(connection) as queries:
        assert "(updated)" in client.get("/").content.decode()
    assert not [query for query in queries if "divisions_divisionpage" in query["sql"]]


def _box_using(request, inner_models, made):
    """A box kept for news pages that uses another piece (kept for `inner_models`) inside."""

    def render_box():
        made.append("box")
        inner = fragments.get_or_render(request, ("inner",), lambda: ("x", None), inner_models)
        return f"<div>{inner}</div>", None

    return fragments.get_or_render(request, ("box",), render_box, {"news.NewsPage"})


@pytest.mark.parametrize(
    ("inner_models", "unrelated_change_remakes_it"),
    [({"news.NewsIndexPage"}, False), (None, True)],
)
def test_a_piece_depends_on_what_the_pieces_inside_it_depend_on(
    rf, inner_models, unrelated_change_remakes_it
):
    made = []
    _box_using(rf.get("/"), inner_models, made)
    _box_using(rf.get("/"), inner_models, made)
    assert made == ["box"]  # nothing changed: kept
    bump_generation({"divisions.DivisionPage"})
    _box_using(rf.get("/"), inner_models, made)
    assert len(made) == (2 if unrelated_change_remakes_it else 1)
    bump_generation({"news.NewsIndexPage"})  # what the piece inside shows
    _box_using(rf.get("/"), inner_models, made)
    assert made[-1] == "box" and len(made) == (3 if unrelated_change_remakes_it else 2)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_a_translation_taken_down_leaves_every_language_link_on_the_next_render(
    client, translated_site
):
    """The language links are kept per page: unpublishing or restricting a translation must
    still remove them from the pages that offered it."""
    english = DivisionPage.objects.get(locale__language_code="en", slug="field-operations")
    spanish = english.get_translation(Locale.objects.get(language_code="es"))

    def languages_offered():
        page = soup(client, "/divisions/field-operations/")
        return {link["hreflang"] for link in page.select('link[rel="alternate"][hreflang]')}

    assert "es" in languages_offered()
    spanish.unpublish()
    assert "es" not in languages_offered()
    spanish.save_revision().publish()
    assert "es" in languages_offered()
    PageViewRestriction.objects.create(page=spanish, restriction_type="login")
    assert "es" not in languages_offered()
