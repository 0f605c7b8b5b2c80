import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from bostonems_site.seed import sample_image
from divisions.models import DivisionIndexPage, DivisionPage
from divisions.tests.test_pages import admin_add_form
from testing.helpers import publish

pytestmark = pytest.mark.django_db


def add_division(admin_client, **fields):
    index = DivisionIndexPage.objects.get()
    add_url = reverse("wagtailadmin_pages:add", args=["divisions", "divisionpage", index.id])
    form = admin_add_form(admin_client, add_url)
    form.update({"title": "Peer Support", "slug": "peer-support", "summary": "Support."})
    form.update({"action-publish": "publish", **fields})
    return admin_client.post(add_url, form)


def test_a_hero_image_needs_alt_text_or_the_decorative_box(admin_client, seeded_site):
    image = sample_image("Crew", "A crew beside an ambulance")
    response = add_division(admin_client, hero_image=str(image.pk))
    assert response.status_code == 200
    assert "Describe the hero image, or tick" in response.content.decode()
    assert not DivisionPage.objects.filter(slug="peer-support").exists()


def test_a_decorative_hero_gets_empty_alt_text(admin_client, client, seeded_site):
    image = sample_image("Crew", "A crew beside an ambulance")
    response = add_division(admin_client, hero_image=str(image.pk), hero_image_decorative="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    soup = BeautifulSoup(client.get("/divisions/peer-support/").content, "html.parser")
    hero = soup.select_one("picture img")
    assert hero["alt"] == ""


def test_a_described_hero_uses_the_editors_words(admin_client, client, seeded_site):
    image = sample_image("Crew", "A crew beside an ambulance")
    response = add_division(
        admin_client, hero_image=str(image.pk), hero_image_alt="Two EMTs at the station"
    )
    assert response.status_code == 302
    soup = BeautifulSoup(client.get("/divisions/peer-support/").content, "html.parser")
    assert soup.select_one("picture img")["alt"] == "Two EMTs at the station"


def test_pictures_are_responsive_sized_and_lazy_below_the_fold(client, seeded_site):
    image = sample_image("Station", "The station")
    index = DivisionIndexPage.objects.get()
    body = [
        {
            "type": "image",
            "value": {
                "image": {"image": image.id, "alt_text": "Station", "decorative": False},
                "caption": "",
            },
        }
    ]
    page = publish(
        index,
        DivisionPage(
            title="Pictures",
            slug="pictures",
            summary="Pictures.",
            hero_image=image,
            hero_image_alt="The hero",
            body=json.dumps(body),
        ),
    )
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    hero, content = soup.select("picture")
    for picture in (hero, content):
        types = [source["type"] for source in picture.find_all("source")]
        assert types == ["image/avif", "image/webp"]
        assert all("w," in source["srcset"] for source in picture.find_all("source"))
        img = picture.find("img")
        assert int(img["width"]) > 0 and int(img["height"]) > 0  # no layout shift
        assert img["src"].endswith(".jpg")
    assert hero.find("img").get("loading") != "lazy"  # the hero is above the fold
    assert hero.find("img").get("fetchpriority") == "high"
    assert content.find("img")["loading"] == "lazy"
