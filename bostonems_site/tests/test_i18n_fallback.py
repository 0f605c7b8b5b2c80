"""Language fallback, one rule everywhere: an address in a language a page is not translated
into redirects to the page that exists; a translation never shows wagtail-localize's English
copies of its parents as pages of that language; listings, cards, menus and the chrome show
every item, the translation where there is one, else the English one marked lang="en" (and
kept left-to-right on right-to-left pages)."""

import re

import pytest
from django.urls import reverse
from wagtail.models import Locale

from divisions.models import DivisionIndexPage, DivisionPage
from media_library.models import VideoGalleryPage, VideoPage
from news.models import NewsIndexPage, NewsPage
from newsletter.models import NewsletterSignupPage
from testing.helpers import publish, untranslate

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "قسم التدريب"


def translate_in_the_admin(admin_client, page, language_code, title):
    """An editor translates `page` with wagtail-localize's Translate action (which copies the
    untranslated parents into the language as aliases) and publishes the translation."""
    locale = Locale.objects.get(language_code=language_code)
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    assert admin_client.post(url, {"locales": [locale.pk]}).status_code == 302
    translation = page.get_translation(locale).specific
    translation.title = title
    translation.save_revision().publish()
    return translation


@pytest.fixture
def arabic_training(admin_client, translated_site):
    english = DivisionPage.objects.get(slug="training", locale__language_code="en")
    return translate_in_the_admin(admin_client, english, "ar", ARABIC_TITLE)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def english_page(model, **lookup):
    return model.objects.filter(locale__language_code="en", **lookup).first()


# --- Addresses: every page type, in a language with some pages (Spanish) and without any ----


def untranslated_addresses():
    """An address of each page type that has no Spanish translation, with the English
    address it must lead to."""
    untranslate(VideoGalleryPage, NewsIndexPage, NewsletterSignupPage)
    index = DivisionIndexPage.objects.get(locale__language_code="en")
    division = publish(index, DivisionPage(title="New Unit", slug="new-unit", summary="New."))
    video = VideoPage.objects.filter(locale__language_code="en").live().first()
    news = english_page(NewsPage)
    return {
        "/es/divisions/new-unit/": division.url,
        "/es/videos/": "/videos/",
        f"/es/videos/{video.slug}/": video.url,
        "/es/news/": "/news/",
        f"/es/news/{news.slug}/": news.url,
        "/es/news/feed/": "/news/feed/",
        "/es/news/?kind=event": "/news/?kind=event",
        "/es/sign-up/": "/sign-up/",
        "/ht/": "/",
        "/ht/divisions/": "/divisions/",
        "/ht/divisions/training/": "/divisions/training/",
        "/ht/videos/?page=1": "/videos/?page=1",  # a page that exists: others redirect to it
    }


def test_untranslated_addresses_of_every_page_type_redirect_to_the_english_page(
    client, translated_site
):
    for address, english in untranslated_addresses().items():
        response = client.get(address)
        assert (response.status_code, response.get("Location")) == (302, english), address
        assert client.get(english).status_code == 200, english
    # Translated pages stay at their own address; unknown addresses stay "not found".
    assert client.get("/es/divisions/training/").status_code == 200
    assert client.get("/es/no-such-page/").status_code == 404
    assert client.get("/ht/no-such-page/").status_code == 404


def test_translated_address_with_the_english_slug_leads_to_the_translation(client, translated_site):
    spanish = DivisionPage.objects.get(slug="training", locale__language_code="es")
    spanish.slug = "capacitacion"
    spanish.save_revision().publish()
    response = client.get("/es/divisions/training/")
    assert (response.status_code, response["Location"]) == (302, "/es/divisions/capacitacion/")


def test_translating_one_division_publishes_no_english_page_in_arabic(client, arabic_training):
    # The Arabic division is served at its Arabic address, right to left.
    html = html_of(client, "/ar/divisions/training/")
    assert '<html lang="ar" dir="rtl">' in html and ARABIC_TITLE in html
    # wagtail-localize's copies of its English parents are not Arabic pages: their addresses
    # lead to the English pages, as does any other untranslated Arabic address.
    for address, english in (
        ("/ar/", "/"),
        ("/ar/divisions/", "/divisions/"),
        ("/ar/divisions/fleet-services/", "/divisions/fleet-services/"),
        ("/ar/videos/", "/videos/"),
    ):
        response = client.get(address)
        assert (response.status_code, response.get("Location")) == (302, english), address
    # Nothing offers them as Arabic: the switcher, hreflang, the sitemap, search.
    english_index = html_of(client, "/divisions/")
    assert 'hreflang="ar"' not in english_index
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/ar/divisions/training/" in sitemap
    assert "/ar/divisions/</loc>" not in sitemap and "/ar/</loc>" not in sitemap
    results = html_of(client, "/ar/search/?q=divisions")
    assert 'href="/ar/divisions/"' not in results and 'href="/divisions/"' in results


def test_arabic_page_marks_and_isolates_its_english_parts(client, arabic_training):
    html = html_of(client, "/ar/divisions/training/")
    # Menu and breadcrumbs: the English sections, marked English and left-to-right; the
    # division's section is still the current one.
    assert re.search(
        r'<a href="/divisions/" aria-current="true" lang="en" dir="ltr" hreflang="en">'
        r"Divisions</a>",
        html,
    )
    assert re.search(r'<a href="/ar/divisions/" lang="en" dir="ltr">Divisions</a>', html)
    # Site settings and the (untranslated) site-wide text are English.
    assert '<address lang="en" dir="ltr">785 Albany Street' in html
    assert re.search(r'<p class="site-footer__inner" lang="en" dir="ltr"><a href="tel:911">', html)
    assert re.search(r'<a class="nowrap" href="tel:[^"]+" dir="ltr">617-343-2367</a>', html)
    assert "<bdi>Boston EMS</bdi>" in html


# --- Listings and cards: every item, the translation else the English one marked English -----


def test_division_cards_show_every_division_in_every_language(client, translated_site):
    index = DivisionIndexPage.objects.get(locale__language_code="en")
    publish(index, DivisionPage(title="New Unit", slug="new-unit", summary="Brand new."))
    for url in ("/es/", "/es/divisions/"):
        html = html_of(client, url)
        assert html.count('<li class="card">') == 9, url
        assert re.search(r'class="card__title"><a href="[^"]+">Operaciones de Campo<', html)
        assert ">Field Operations<" not in html
        assert re.search(
            r'<h\d class="card__title" lang="en" dir="ltr"><a href="/divisions/new-unit/" '
            r'hreflang="en">New Unit</a></h\d>',
            html,
        )
        assert '<p class="card__summary" lang="en" dir="ltr">Brand new.</p>' in html
        # In the English tree's order: the new division comes last.
        assert html.index("Preparación para Emergencias") < html.index("New Unit")
    english = html_of(client, "/divisions/")
    assert english.count('<li class="card">') == 9 and 'card__title" lang=' not in english


def test_translated_gallery_and_news_list_every_item(client, translated_site):
    # The seed translates the gallery ("Video y multimedia") and the news page, not their items.
    spanish = Locale.objects.get(language_code="es")
    video = english_page(VideoPage, live=True)
    spanish_video = video.copy_for_translation(spanish)
    spanish_video.title = "Video en español"
    spanish_video.save_revision().publish()
    english_videos = VideoPage.objects.live().filter(locale__language_code="en").count()

    gallery = html_of(client, "/es/videos/")
    assert gallery.count('class="video-card"') == english_videos
    assert "Video en español" in gallery and f">{video.title}<" not in gallery
    assert 'class="video-card__summary" lang="en" dir="ltr"' in gallery

    news = html_of(client, "/es/news/")
    items = NewsPage.objects.live().filter(locale__language_code="en").count()
    assert news.count('<li class="news-item">') == min(items, NewsIndexPage.per_page)
    assert news.count('lang="en" dir="ltr">Sample') >= 1

    home = html_of(client, "/es/")
    # The box headings name the Spanish sections; untranslated items are marked English.
    assert "Video y multimedia" in home and "Video en español" in home
    assert re.search(r'class="video-box__title" lang="en" dir="ltr"', home)
    assert re.search(r'<a href="/es/news/">', home)


def test_sign_up_box_marks_its_english_wording_until_translated(client, translated_site):
    untranslate(NewsletterSignupPage)
    html = html_of(client, "/es/")
    assert '<h2 id="newsletter-box-heading" lang="en" dir="ltr">' in html
    assert '<button class="button" type="submit" lang="en" dir="ltr">' in html
    spanish = english_page(NewsletterSignupPage).copy_for_translation(
        Locale.objects.get(language_code="es")
    )
    spanish.sidebar_heading = "Reciba las novedades"
    spanish.save_revision().publish()
    html = html_of(client, "/es/")
    assert '<h2 id="newsletter-box-heading">Reciba las novedades</h2>' in html
    assert 'lang="en" dir="ltr">Sign up' not in html
