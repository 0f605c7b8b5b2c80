from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError, connections
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect

from bostonems_site.models import SiteText
from bostonems_site.tests.admin_forms import admin_post_form, updated
from bostonems_site.views import server_error
from divisions.models import DivisionPage

pytestmark = pytest.mark.django_db


def database_down():
    """Every query fails, as when the database server is unreachable."""
    return mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("server closed")
    )


def test_missing_page_returns_the_designed_404_page(client, seeded_site, settings):
    assert settings.DEBUG is False
    SiteText.objects.filter(locale__language_code="en").update(
        not_found_heading="We can't find that page"
    )
    response = client.get("/divisions/no-such-division/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "We can't find that page"
    assert soup.select_one(".site-header") and soup.select_one(".site-footer")
    assert soup.find("form", role="search")
    assert soup.find("a", string="Go to the Boston EMS home page")["href"] == "/"
    assert "Traceback" not in response.content.decode()


def test_the_500_page_renders_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with database_down(), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Sorry, something went wrong"
    assert soup.find("a", href="tel:911")
    assert soup.find("link", rel="stylesheet")


def test_a_request_while_the_database_is_down_gets_the_designed_500_page(seeded_site):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/divisions/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_healthz_answers_200_when_the_database_answers(client, seeded_site):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "no-store" in response["Cache-Control"]


def test_an_editor_creates_a_redirect_in_the_admin_and_it_works(admin_client, client, seeded_site):
    division = DivisionPage.objects.get(slug="field-operations")
    url = reverse("wagtailredirects:add")
    form = updated(
        admin_post_form(admin_client, url),
        old_path="/ems/field-ops.html",
        site=str(seeded_site.get_site().pk),
        is_permanent="on",
        redirect_page=str(division.pk),
    )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Redirect.objects.filter(old_path="/ems/field-ops.html").exists()
    response = client.get("/ems/field-ops.html")
    assert response.status_code == 301
    assert response["Location"] == "/divisions/field-operations/"
    assert client.get(response["Location"]).status_code == 200


def test_a_redirect_to_another_website(admin_client, client, seeded_site):
    url = reverse("wagtailredirects:add")
    form = updated(
        admin_post_form(admin_client, url),
        old_path="/city",
        redirect_link="https://www.boston.gov/",
    )
    form.pop("is_permanent", None)  # unticked: a temporary (302) redirect
    assert admin_client.post(url, form).status_code == 302
    response = client.get("/city")
    assert response.status_code == 302
    assert response["Location"] == "https://www.boston.gov/"
