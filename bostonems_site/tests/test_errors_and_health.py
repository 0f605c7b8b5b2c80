import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect

from bostonems_site.models import SiteText
from bostonems_site.views import bad_request, server_error
from divisions.models import DivisionPage
from page_cache.tests.faults import broken_cache  # noqa: F401 (a fixture)
from testing.admin_forms import admin_post_form, updated
from testing.helpers import database_down

pytestmark = pytest.mark.django_db


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


def test_a_request_while_the_database_is_down_gets_the_designed_503_page(seeded_site):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/divisions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "This page is not available right now" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_database_failure_outside_a_view_is_also_a_503():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_healthz_reports_each_dependency(client, seeded_site):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "mail queue": "ok",
        "mail queue waiting": 0,
    }
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down_and_no_page_is_stored(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unavailable"
    assert "no-store" in response["Cache-Control"]


def test_healthz_stays_in_while_the_database_is_down_but_pages_are_stored(client, seeded_site):
    client.get("/divisions/")
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "unavailable"


@pytest.mark.usefixtures("broken_cache")
def test_healthz_reports_a_cache_outage_without_failing(client, seeded_site):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == "unavailable"


def test_healthz_reports_emails_nobody_sends(client, seeded_site):
    from newsletter.models import Subscriber

    Subscriber.objects.create(email="waiting@example.org")
    Subscriber.objects.update(  # queued an hour ago, and no worker took it
        mail_due=Subscriber.Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - datetime.timedelta(hours=1),
    )
    body = client.get("/healthz").json()
    assert (body["mail queue"], body["mail queue waiting"]) == ("delayed", 1)
    assert body["status"] == "ok"


UNREADABLE_BODIES = [
    ("application/x-www-form-urlencoded; charset=utf-16", "name=x"),
    ("application/x-www-form-urlencoded; charset=iso-8859-1", "name=café"),
]


@pytest.mark.parametrize("content_type, body", UNREADABLE_BODIES)
@pytest.mark.parametrize("url", ["/", "/search/", "/admin/login/"])
def test_a_body_in_another_charset_gets_the_designed_400_page(seeded_site, url, content_type, body):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(url, body, content_type=content_type)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Sorry, we could not read that request"
    assert soup.find("a", href="tel:911")


def test_the_400_page_renders_without_touching_the_database(django_assert_num_queries):
    with database_down(), django_assert_num_queries(0):
        response = bad_request(RequestFactory().get("/"))
    assert response.status_code == 400


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
