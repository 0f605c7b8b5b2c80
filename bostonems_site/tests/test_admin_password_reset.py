import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from testing.admin_forms import admin_post_form

pytestmark = pytest.mark.django_db

URL = "/admin/password_reset/"


def _ask_for_reset(client, email):
    form = admin_post_form(client, URL)
    form["email"] = email
    return client.post(URL, form)


def test_password_reset_requests_are_limited_per_client(admin_user, settings):
    settings.ADMIN_PASSWORD_RESET_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        assert _ask_for_reset(client, "someone@example.org").status_code == 302
    response = _ask_for_reset(client, admin_user.email)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    error = BeautifulSoup(response.content, "html.parser").find(string=lambda t: "Too many" in t)
    assert "Please wait 60 minutes" in error
    assert mail.outbox == []  # the limited request sent nothing


def test_password_reset_emails_to_one_address_are_limited_from_any_client(admin_user, settings):
    settings.ADMIN_PASSWORD_RESET_LIMIT = 2
    for number in range(2):
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        assert _ask_for_reset(client, admin_user.email).status_code == 302
    other_client = Client(REMOTE_ADDR="192.0.2.1")
    assert _ask_for_reset(other_client, admin_user.email.upper()).status_code == 429
    assert len(mail.outbox) == 2
