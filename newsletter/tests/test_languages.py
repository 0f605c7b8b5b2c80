"""A sign-up records the page's language; emails use the sign-up page's translation into that
language; otherwise the translation catalogue's wording for the texts editors left as they were,
and the English page's wording for those they changed."""

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


def test_language_without_a_translated_page_gets_the_catalogues_wording(
    spanish_signup_page, post_signup
):
    post_signup(valid_data(source="/fr/divisions/"))
    assert Subscriber.objects.get().language_code == "fr"
    french = "Veuillez confirmer votre abonnement aux nouvelles de Boston EMS"
    assert mail.outbox[0].subject == french


def test_wording_editors_changed_stays_english_until_translated(spanish_signup_page, post_signup):
    english = NewsletterSignupPage.objects.get(locale__language_code="en")
    english.confirmation_subject = "Confirm your Boston EMS updates, please"
    english.save_revision().publish()
    post_signup(valid_data(source="/fr/divisions/"))
    assert mail.outbox[0].subject == "Confirm your Boston EMS updates, please"


def test_a_spanish_subscriber_stays_in_spanish_from_form_to_preferences(
    client, spanish_signup_page, run_worker
):
    """The form on a Spanish page posts to the Spanish endpoint; "check your email" and the
    links in the email are Spanish addresses, so every step reads in Spanish."""
    import re

    html = client.get(spanish_signup_page.url).content.decode()
    action = re.search(r'class="newsletter-form"[^>]*action="([^"]+)"', html).group(1)
    assert action == "/es/newsletter/signup/"
    response = client.post(
        action, valid_data(source=spanish_signup_page.url), HTTP_ORIGIN="http://testserver"
    )
    run_worker()
    assert (
        response.status_code == 302 and response["Location"] == "/es/newsletter/check-your-email/"
    )
    check = client.get(response["Location"])
    assert '<html lang="es"' in check.content.decode()
    confirm_path = re.search(
        r"https?://[^/\s]+(/\S*/newsletter/confirm/\S+?/)", mail.outbox[0].body
    )
    assert confirm_path.group(1).startswith("/es/newsletter/confirm/")
    assert client.get(confirm_path.group(1)).status_code == 200
