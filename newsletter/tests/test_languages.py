"""A sign-up records the page's language; emails use the sign-up page's translation into that
language, English otherwise (issue 9)."""

import pytest
from django.core import mail
from wagtail.models import Locale

from newsletter.models import NewsletterSignupPage, Subscriber
from newsletter.tests.conftest import valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_signup_page(seeded_site):
    english = NewsletterSignupPage.objects.get(locale__language_code="en")
    spanish = english.copy_for_translation(
        Locale.objects.get(language_code="es"), copy_parents=True
    )
    for ancestor in spanish.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    spanish.confirmation_subject = "Confirme su suscripción a Boston EMS"
    spanish.save_revision().publish()
    spanish.refresh_from_db()
    return spanish


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
