""" "Was this page helpful?": the answer is stored with the page, language and date and nothing
about the visitor; "No" asks for reasons and a comment; the page with the form stays one cached
copy; forged, robotic and excessive posts store nothing."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from content_health.models import PageFeedback
from divisions.models import DivisionPage
from testing.helpers import soup

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def answer(client, page, helpful, url="/feedback/", **extra):
    data = {"page": page.pk, "helpful": helpful, "website": "", **extra}
    return client.post(url, data, **ORIGIN)


def test_the_form_is_on_the_page_and_the_page_is_still_a_cache_hit(client, seeded_site):
    division = DivisionPage.objects.live().first()
    first = client.get(division.url)
    second = client.get(division.url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert "Set-Cookie" not in second and "csrfmiddlewaretoken" not in second.content.decode()
    form = soup(client, division.url).select_one("form.page-feedback")
    assert form["action"] == "/feedback/" and form["method"] == "post"
    assert form.select_one("legend").get_text() == "Was this page helpful?"


def test_yes_is_stored_with_page_language_and_date_and_nothing_about_the_visitor(
    client, translated_site
):
    spanish = DivisionPage.objects.live().filter(locale__language_code="es").first()
    response = answer(client, spanish, "yes", url="/es/feedback/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    entry = PageFeedback.objects.get()
    assert (entry.page_id, entry.language, entry.helpful) == (spanish.pk, "es", True)
    assert entry.submitted_on == timezone.localdate()
    fields = {field.name for field in PageFeedback._meta.get_fields()}
    assert fields == {"id", "page", "language", "helpful", "reasons", "comment", "submitted_on"}


def test_no_asks_for_reasons_and_a_short_comment_with_a_warning(client, seeded_site):
    division = DivisionPage.objects.live().first()
    response = answer(client, division, "no")
    page = response.content.decode()
    assert "Do not write personal or medical details" in page
    reference = soup_of(response).select_one("input[name=reference]")["value"]

    too_long = client.post(
        "/feedback/details/", {"reference": reference, "comment": "x" * 501}, **ORIGIN
    )
    assert too_long.status_code == 400 and "Please shorten your comment" in too_long.text

    data = {"reference": reference, "reasons": ["out-of-date", "bogus"], "comment": "Old phone"}
    assert client.post("/feedback/details/", data, **ORIGIN).status_code == 200
    entry = PageFeedback.objects.get()
    assert (entry.helpful, entry.reasons, entry.comment) == (False, ["out-of-date"], "Old phone")
    # The reference adds to the answer once; replaying it changes nothing.
    client.post("/feedback/details/", {**data, "comment": "Changed"}, **ORIGIN)
    assert PageFeedback.objects.get().comment == "Old phone"


def soup_of(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser")


def test_other_sites_robots_and_floods_store_nothing(client, seeded_site):
    division = DivisionPage.objects.live().first()
    forged = client.post(
        "/feedback/", {"page": division.pk, "helpful": "no"}, HTTP_ORIGIN="https://evil.example"
    )
    assert forged.status_code == 403
    robot = answer(client, division, "no", website="http://spam.example")
    assert robot.status_code == 200
    assert client.get("/feedback/").status_code == 405
    assert answer(client, division, "maybe").status_code == 400
    caches["ratelimit"].clear()
    with override_settings(PAGE_FEEDBACK_LIMIT=2):
        statuses = [answer(client, division, "yes").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert PageFeedback.objects.count() == 2
