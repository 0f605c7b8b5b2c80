import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from bostonems_site.seed import sample_image
from divisions.models import DivisionIndexPage, DivisionPage
from divisions.seed import DIVISIONS
from testing.helpers import QUERY_BUDGET, count_queries, publish

SEED_TITLES = [title for title, _, _ in DIVISIONS]
pytestmark = pytest.mark.django_db


def card_titles(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return [h.get_text() for h in soup.select(".card__title")]


def test_home_page_lists_the_eight_divisions_in_admin_order(client, seeded_site):
    response = client.get("/")
    assert response.status_code == 200
    assert card_titles(client, "/") == SEED_TITLES
    for division in DivisionPage.objects.all():
        assert f'href="{division.url}"' in response.content.decode()


def test_division_index_shows_intro_and_cards_named_for_each_division(client, seeded_site):
    response = client.get("/divisions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "best known by the public for its Field Operations Division" in html
    assert card_titles(client, "/divisions/") == SEED_TITLES
    soup = BeautifulSoup(html, "html.parser")
    # Each card is one link named for its division (the whole card is its target).
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select(".card a")}
    assert links["Field Operations"] == "/divisions/field-operations/"
    assert len(links) == len(SEED_TITLES)


@pytest.mark.parametrize("title, slug, summary", DIVISIONS)
def test_each_division_page_shows_its_seed_summary(client, seeded_site, title, slug, summary):
    response = client.get(f"/divisions/{slug}/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == title
    assert soup.select_one(".lead").get_text() == summary
    assert soup.find("meta", attrs={"name": "description"})["content"] == summary


def test_reordering_in_the_admin_changes_the_order(admin_client, client, seeded_site):
    fleet = DivisionPage.objects.get(slug="fleet-services")
    field = DivisionPage.objects.get(slug="field-operations")
    response = admin_client.post(
        reverse("wagtailadmin_pages:set_page_position", args=[fleet.id]) + "?position=0"
    )
    assert response.status_code == 200
    assert card_titles(client, "/divisions/")[0] == "Fleet Services"
    assert card_titles(client, "/")[:2] == ["Fleet Services", field.title]


def test_unpublishing_in_the_admin_removes_the_card(admin_client, client, seeded_site):
    fleet = DivisionPage.objects.get(slug="fleet-services")
    response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[fleet.id]))
    assert response.status_code == 302
    assert "Fleet Services" not in card_titles(client, "/divisions/")
    assert "Fleet Services" not in card_titles(client, "/")
    assert client.get("/divisions/fleet-services/").status_code == 404


def admin_add_form(admin_client, add_url):
    """The add form exactly as the admin renders it; the StreamField's inputs are built by
    JavaScript in the browser, so supply its empty state."""
    response = admin_client.get(add_url)
    assert response.status_code == 200
    form = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    form.update(nested_form_data({"body": streamfield([])}))
    return form


def test_editor_creates_and_publishes_a_division_through_the_admin(
    admin_client, client, seeded_site
):
    index = DivisionIndexPage.objects.get()
    add_url = reverse("wagtailadmin_pages:add", args=["divisions", "divisionpage", index.id])
    form = admin_add_form(admin_client, add_url)
    form.update(
        {
            "title": "Peer Support",
            "slug": "peer-support",
            "summary": "Support for Boston EMS members after difficult calls.",
            "phone": "617-555-0199",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(add_url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = DivisionPage.objects.get(slug="peer-support")
    assert page.live
    public = client.get("/divisions/peer-support/")
    assert public.status_code == 200
    assert "Support for Boston EMS members after difficult calls." in public.content.decode()
    assert 'href="tel:6175550199"' in public.content.decode()
    assert card_titles(client, "/divisions/")[-1] == "Peer Support"


def test_admin_rejects_a_division_without_a_summary(admin_client, seeded_site):
    index = DivisionIndexPage.objects.get()
    add_url = reverse("wagtailadmin_pages:add", args=["divisions", "divisionpage", index.id])
    form = admin_add_form(admin_client, add_url)
    form.update({"title": "No Summary", "slug": "no-summary", "action-publish": "publish"})
    response = admin_client.post(add_url, form)
    assert response.status_code == 200
    assert not DivisionPage.objects.filter(slug="no-summary").exists()
    # The editor is told why, at the summary field, and the form has no other complaint.
    soup = BeautifulSoup(response.content, "html.parser")
    assert "The page could not be created due to validation errors." in soup.select_one(
        ".messages .error"
    ).get_text(" ", strip=True)
    errors = {
        field["data-contentpath"]: field.select_one("[data-field-errors]").get_text(strip=True)
        for field in soup.select("#page-edit-form [data-field][data-contentpath]")
        if field.select_one("[data-field-errors]")
    }
    assert {path: text for path, text in errors.items() if text} == {
        "summary": "This field is required."
    }


def test_a_division_cannot_be_created_outside_the_division_index(admin_client, seeded_site):
    assert not DivisionPage.can_create_at(seeded_site)
    assert DivisionPage.can_create_at(DivisionIndexPage.objects.get())
    add_url = reverse("wagtailadmin_pages:add", args=["divisions", "divisionpage", seeded_site.id])
    response = admin_client.get(add_url)
    # Wagtail sends the editor back to the dashboard, saying why.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    messages = [str(message).strip() for message in get_messages(response.wsgi_request)]
    assert messages == ["Sorry, you do not have permission to access this area."]
    assert DivisionPage.allowed_subpage_models() == []


def test_division_page_renders_every_body_block(client, seeded_site, django_user_model):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document.objects.create(
        title="Annual report", file=ContentFile(b"%PDF-1.4 sample", name="report.pdf")
    )
    image = sample_image("Ambulance bay", "Two ambulances parked in the station bay")
    index = DivisionIndexPage.objects.get()
    page = publish(
        index,
        DivisionPage(
            title="Every Block",
            slug="every-block",
            summary="A page using every block type.",
            image=image,
            image_alt="Ambulances ready to respond",
            email="ems@example.org",
            hours="Monday–Friday, 9am–5pm",
            body=json.dumps(
                [
                    {"type": "heading", "value": {"text": "Our work", "level": "h2"}},
                    {"type": "heading", "value": {"text": "Details", "level": "h3"}},
                    {"type": "paragraph", "value": "<p>Plain <b>rich</b> text.</p>"},
                    {
                        "type": "image",
                        "value": {
                            "image": {
                                "image": image.id,
                                "alt_text": "Station",
                                "decorative": False,
                            },
                            "caption": "The station",
                        },
                    },
                    {
                        "type": "quote",
                        "value": {
                            "quote": "We are there when you call.",
                            "attribution": "Chief of EMS",
                        },
                    },
                    {
                        "type": "call_to_action",
                        "value": {
                            "text": "See all divisions",
                            "page": index.id,
                            "external_url": "",
                        },
                    },
                    {"type": "document", "value": {"document": document.id, "title": ""}},
                ]
            ),
        ),
    )
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("h2").get_text() == "Our work"
    assert "<h3>Details</h3>" in html
    assert "<b>rich</b>" in html
    assert soup.find("img", alt="Ambulances ready to respond")
    assert soup.find("img", alt="Station") and "The station" in html
    assert "We are there when you call." in html and "Chief of EMS" in html
    assert soup.find("a", string="See all divisions")["href"] == "/divisions/"
    assert "Annual report" in html and "(PDF" in html
    assert 'href="mailto:ems@example.org"' in html
    assert soup.find("time")


def test_call_to_action_needs_exactly_one_target():
    from wagtail.blocks import StructBlockValidationError

    from bostonems_site.blocks import CallToActionBlock

    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"text": "Go", "page": None, "external_url": ""}))


def test_a_call_to_action_to_an_unpublished_page_disappears(client, seeded_site):
    """Like every page-or-address link: visitors never get a link to a missing page."""
    page = DivisionPage.objects.get(slug="training")
    news = Page.objects.get(slug="news")
    page.body = [
        ("call_to_action", {"text": "Read our news", "page": news, "external_url": ""}),
        (
            "call_to_action",
            {"text": "City site", "page": None, "external_url": "https://a.example"},
        ),
    ]
    page.save_revision().publish()
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    assert soup.find("a", string="Read our news")["href"] == news.url
    assert soup.find("a", string="City site")["href"] == "https://a.example"
    news.unpublish()
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    assert soup.find("a", string="Read our news") is None
    assert soup.find("a", string="City site") is not None


def test_page_types_render(client, seeded_site):
    for page in Page.objects.live().filter(depth__gt=1).specific():
        assert client.get(page.url).status_code == 200, page.url


@pytest.mark.parametrize("url", ["/", "/divisions/", "/divisions/field-operations/"])
def test_query_count_does_not_grow_with_ten_times_the_divisions(client, seeded_site, url):
    count_queries(client, url)  # warm image renditions and site caches
    baseline = count_queries(client, url)
    index = DivisionIndexPage.objects.get()
    for number in range(72):
        publish(
            index, DivisionPage(title=f"Division {number}", slug=f"d-{number}", summary="Extra.")
        )
    assert DivisionPage.objects.live().count() == 80
    assert count_queries(client, url) == baseline
    assert baseline <= QUERY_BUDGET, f"{url} ran {baseline} queries"
