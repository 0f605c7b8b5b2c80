"""What a visitor sees on every page: the department's identity, the sign-up in the navigation,
a complete footer with the privacy and accessibility pages, division cards with pictograms, the
share data of videos, and uploaded images served by the site itself."""

import pytest
from bs4 import BeautifulSoup

from divisions.models import DivisionPage
from media_library.models import VideoPage
from standard_pages.models import StandardPage

pytestmark = pytest.mark.django_db
PAGES = ["/", "/divisions/", "/divisions/training/", "/news/", "/videos/", "/sign-up/", "/search/"]


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_every_page_has_the_banner_logo_sign_up_and_a_complete_footer(client, seeded_site):
    for url in PAGES:
        page = soup(client, url)
        assert "official website of the City of Boston" in page.select_one(".official-banner").text
        logo = page.select_one(".site-header__name img")
        assert logo["src"].endswith(".svg") and logo["alt"] == "", url
        signup = page.select_one(".main-menu .main-menu__signup a")
        assert signup and signup["href"] == "/sign-up/", url
        footer = page.select_one("footer")
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
        assert links["Privacy notice"] == "/privacy/", url
        assert links["Accessibility statement"] == "/accessibility/", url
        assert "tel:911" in links.values(), url
        assert footer.find(id="footer-language-heading"), url


def test_privacy_and_accessibility_statements_are_editable_seed_pages(client, seeded_site):
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"privacy", "accessibility"}
    privacy = soup(client, "/privacy/").get_text(" ")
    assert "email address" in privacy and "7 days" in privacy
    accessibility = soup(client, "/accessibility/").get_text(" ")
    assert (
        "WCAG" in accessibility and "2.2" in accessibility and "Report a barrier" in accessibility
    )


def test_home_heading_states_the_purpose_and_the_emergency_line(client, seeded_site):
    page = soup(client, "/")
    assert page.h1.get_text(strip=True) != "Boston EMS"
    assert page.select_one(".hero a[href='tel:911']")


def test_division_cards_show_each_divisions_pictogram(client, seeded_site):
    page = soup(client, "/divisions/")
    icons = [img["src"] for img in page.select(".card .card__icon")]
    assert len(icons) == DivisionPage.objects.count() == 8
    assert any(src.endswith("/ambulance.svg") for src in icons)
    assert len(set(icons)) == 8
    for src in icons:
        assert client.get(src).status_code == 200, src


def test_video_pages_are_videos_with_their_own_share_image(client, seeded_site):
    video = VideoPage.objects.live().exclude(thumbnail=None).first()
    page = soup(client, video.url)
    assert page.find("meta", property="og:type")["content"] == "video.other"
    assert "/media/images/" in page.find("meta", property="og:image")["content"]


def test_uploaded_images_are_served_with_long_cache_for_renditions(client, seeded_site):
    page = soup(client, "/divisions/training/")
    rendition = page.select_one("img.division__hero")["src"]
    response = client.get(rendition)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    assert client.get("/media/../manage.py").status_code in (400, 404)
    assert client.get("/media/images/missing.png").status_code == 404
