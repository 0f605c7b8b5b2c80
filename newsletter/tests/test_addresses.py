"""One mailbox, one subscriber: addresses are normalised before they are compared or stored,
and addresses carrying invisible or unreadable characters are refused with a clear message."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core import mail

from news.models import NewsPage
from newsletter.models import Delivery, Interest, Mailing, Subscriber
from newsletter.tests.conftest import TEXTS, valid_data

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


def error_message(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one("#newsletter-email-error").get_text(" ", strip=True)


@pytest.mark.parametrize(
    "address",
    [
        "user@example.com\u202e",  # right-to-left override: displays differently
        "user@example.com\ufffd",  # replacement character: bytes that were not text
        "us\u200ber@example.com",  # zero-width space
        "user@exam\u2066ple.com",  # left-to-right isolate
        "user\x00@example.com",
    ],
    ids=["RLO", "U+FFFD", "zero-width space", "bidi isolate", "NUL"],
)
def test_addresses_with_hidden_characters_are_refused_with_a_clear_message(
    interests, post_signup, address
):
    response = post_signup(valid_data(email=address))
    assert response.status_code == 400
    assert TEXTS.error_email_hidden_characters in error_message(response)
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "first, second",
    [
        ("user@bücher.example", "user@xn--bcher-kva.example"),
        ("user@xn--bcher-kva.example", "USER@BÜCHER.EXAMPLE"),
        ("user@bu\u0308cher.example", "user@b\u00fccher.example"),  # decomposed / composed ü
    ],
)
def test_one_mailbox_is_one_subscriber_whichever_form_was_typed(
    interests, post_signup, first, second
):
    assert post_signup(valid_data(email=first)).status_code == 302
    assert post_signup(valid_data(email=second)).status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.email.lower() == "user@xn--bcher-kva.example"  # what SMTP uses
    assert [message.to for message in mail.outbox] == [[subscriber.email]]


def test_a_domain_that_is_not_a_valid_name_is_refused(interests, post_signup):
    response = post_signup(valid_data(email="user@-bad-.example"))
    assert response.status_code == 400
    assert TEXTS.error_email_invalid in error_message(response)
    assert not Subscriber.objects.exists()


# The data migration that brings rows stored before normalisation into line.
fold = importlib.import_module(
    "newsletter.migrations.0010_one_subscriber_per_mailbox"
).one_subscriber_per_mailbox


def subscriber(email, status, *topics):
    row = Subscriber.objects.create(email=email, status=status)
    row.interests.set(topics)
    return row


def test_existing_duplicates_fold_into_the_most_confirmed_row_with_all_topics(interests):
    news, careers = interests
    pending = subscriber("user@bücher.example", Status.PENDING, careers)
    confirmed = subscriber("User@XN--BCHER-KVA.example", Status.CONFIRMED, news)
    gone = subscriber("user@BU\u0308CHER.example", Status.UNSUBSCRIBED)  # decomposed Ü
    other = subscriber("other@bücher.example", Status.PENDING, news)
    untouched = subscriber("plain@example.org", Status.CONFIRMED, news)

    fold(apps, None)

    assert sorted(Subscriber.objects.values_list("email", "status")) == [
        ("User@xn--bcher-kva.example", Status.CONFIRMED),
        ("other@xn--bcher-kva.example", Status.PENDING),
        ("plain@example.org", Status.CONFIRMED),
    ]
    kept = Subscriber.objects.get(pk=confirmed.pk)
    assert set(kept.interests.all()) == {news, careers}
    assert not Subscriber.objects.filter(pk__in=[pending.pk, gone.pk]).exists()
    assert Subscriber.objects.get(pk=other.pk).email == "other@xn--bcher-kva.example"
    assert Subscriber.objects.get(pk=untouched.pk).email == "plain@example.org"
    fold(apps, None)  # running it again changes nothing
    assert Subscriber.objects.count() == 3


def test_folding_keeps_each_mailings_delivery_once(seeded_site):
    news = Interest.objects.sources().get(slug="news-and-events")
    keep = subscriber("a@xn--bcher-kva.example", Status.CONFIRMED, news)
    duplicate = subscriber("a@bücher.example", Status.PENDING, news)
    page = NewsPage.objects.live().first()
    both, only_duplicate = (
        Mailing.objects.create(page=page, subject=str(n), sequence=n) for n in (1, 2)
    )
    Delivery.objects.create(mailing=both, subscriber=keep, status=Delivery.Status.SENT)
    Delivery.objects.create(mailing=both, subscriber=duplicate, status=Delivery.Status.SENT)
    Delivery.objects.create(mailing=only_duplicate, subscriber=duplicate)

    fold(apps, None)

    assert sorted(Delivery.objects.values_list("mailing__subject", "subscriber_id")) == [
        ("1", keep.pk),
        ("2", keep.pk),
    ]
