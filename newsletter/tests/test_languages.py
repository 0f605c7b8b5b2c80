"""A sign-up records the page's language; emails use the sign-up page's translation into that
language, English otherwise (issue 9)."""

import pytest
from django.core import mail

from newsletter.models import NewsletterSignupPage, Subscriber
from newsletter.tests.conftest import valid_data

pytestmark = pytest.mark.django_db


def test_spanish_signup_gets_a_spanish_confirmation(spanish_signup_page, post_signup):
    response = post_signup(valid_data(source=spanish_signup_page.url))
    assert response.status_code == 302
    assert Subscriber.objects.get().language_code == "es"
    assert mail.outbox[0].subject == "Confirme su suscripción a Boston EMS"


def test_language_without_a_translated_page_gets_english(spanish_signup_page, post_signup):
    post_signup(valid_data(source="/fr/divisions/"))
    assert Subscriber.objects.get().language_code == "fr"
    english = NewsletterSignupPage.objects.get(locale__language_code="en")
    assert mail.outbox[0].subject == " ".join(english.confirmation_subject.split())
