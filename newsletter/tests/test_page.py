"""The sign-up page as editors see it in the Wagtail admin, and the seed content."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from bostonems_site.models import HomePage
from divisions.models import DivisionIndexPage
from newsletter.models import Interest, NewsletterSignupPage

pytestmark = pytest.mark.django_db


def test_seed_creates_the_page_and_the_two_topics_once(seeded_site):
    call_command("load_seed_content", stdout=StringIO())
    call_command("load_seed_content", stdout=StringIO())
    page = NewsletterSignupPage.objects.get(locale__language_code="en")
    assert page.live and page.get_parent().specific == seeded_site
    assert page.url == "/sign-up/"
    # With its sample Spanish translation (the seed's translations step).
    sample = NewsletterSignupPage.objects.get(locale__language_code="es")
    assert sample.live and sample.url == "/es/sign-up/"
    assert sample.translation_key == page.translation_key
    assert list(Interest.objects.sources().values_list("name", flat=True)) == [
        "News and Events",
        "Career and Training Opportunities",
    ]
    spanish = Interest.objects.filter(locale__language_code="es").order_by("sort_order")
    assert [(i.name, i.slug) for i in spanish] == [
        ("Noticias y eventos", "news-and-events"),
        ("Oportunidades de carrera y capacitación", "career-and-training-opportunities"),
    ]
    assert {i.translation_key for i in spanish} == set(
        Interest.objects.sources().values_list("translation_key", flat=True)
    )


def test_seed_keeps_what_editors_changed(seeded_site):
    Interest.objects.filter(slug="news-and-events").update(name="News")  # both languages
    page = NewsletterSignupPage.objects.get(locale__language_code="en")
    page.consent_text = "Edited consent wording."
    page.save_revision().publish()
    call_command("load_seed_content", stdout=StringIO())
    spanish = NewsletterSignupPage.objects.get(locale__language_code="es")
    spanish.consent_text = "Texto editado."
    spanish.save_revision().publish()
    call_command("load_seed_content", stdout=StringIO())
    assert Interest.objects.filter(name="News").count() == 2 and Interest.objects.count() == 4
    assert NewsletterSignupPage.objects.get(pk=page.pk).consent_text == "Edited consent wording."
    assert NewsletterSignupPage.objects.get(pk=spanish.pk).consent_text == "Texto editado."


def test_only_one_signup_page_and_only_under_home(seeded_site):
    assert not NewsletterSignupPage.can_create_at(seeded_site)  # max_count = 1 reached
    NewsletterSignupPage.objects.all().delete()
    assert NewsletterSignupPage.can_create_at(HomePage.objects.get(locale__language_code="en"))
    assert not NewsletterSignupPage.can_create_at(DivisionIndexPage.objects.get())


def test_editor_changes_the_wording_through_the_admin(admin_client, client, seeded_site):
    page = NewsletterSignupPage.objects.get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.id])
    response = admin_client.get(edit_url)
    assert response.status_code == 200
    html = response.content.decode()
    for tab in ("Sign-up form", "Subscriber pages", "Emails"):
        assert tab in html
    form = querydict_from_html(html, form_id="page-edit-form")
    form.update(
        {
            "intro": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Stay informed.", '
            '"depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
            "consent_text": "New consent wording from the communications team.",
            "thank_you_heading": "Nearly done: check your inbox",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(edit_url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    page_html = client.get("/sign-up/").content.decode()
    assert "Stay informed." in page_html
    assert "New consent wording from the communications team." in page_html
    assert "New consent wording" in client.get("/").content.decode()  # the sidebar too
    thanks = BeautifulSoup(client.get("/newsletter/check-your-email/").content, "html.parser")
    assert thanks.h1.get_text() == "Nearly done: check your inbox"


def test_the_feature_works_before_editors_create_the_page(client, interests):
    """Without a sign-up page the default wording is used; nothing breaks."""
    response = client.get("/newsletter/check-your-email/")
    assert response.status_code == 200
    assert b"Check your email" in response.content
