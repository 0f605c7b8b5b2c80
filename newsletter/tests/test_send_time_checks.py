"""What may change between the moment an email is queued and the moment the worker sends it,
and must win: a subscriber who unsubscribed, confirmed or dropped the topic meanwhile, a page
taken down (unpublished or restricted) after the mailing started, and another worker already
sending the same email."""

import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import NewsPage
from newsletter import emails, services
from newsletter.models import Delivery, Interest, Subscriber
from newsletter.sending import start_mailing
from newsletter.services import MAIL_CLAIM_TIMEOUT
from newsletter.tests.failing_backend import SlowServerBackend

Status, Mail = Subscriber.Status, Subscriber.Mail
NEWS_ITEM = "sample-new-ambulances"


@pytest.fixture
def readers(seeded_site):
    """Three confirmed readers of the news topic and a mailing of a news item to them."""
    news = Interest.objects.sources().get(slug="news-and-events")
    rows = {}
    for name in ("stays", "leaves", "changes"):
        rows[name] = Subscriber.objects.create(email=f"{name}@example.org", status=Status.CONFIRMED)
        rows[name].interests.add(news)
    page = NewsPage.objects.get(slug=NEWS_ITEM)
    return rows, start_mailing(page, None), page


def outbox():
    return sorted(address for message in mail.outbox for address in message.to)


def skipped(mailing):
    return dict(
        mailing.deliveries.filter(status=Delivery.Status.SKIPPED).values_list(
            "subscriber__email", "error"
        )
    )


@pytest.mark.django_db
def test_who_unsubscribed_or_dropped_the_topic_after_the_mailing_started_is_skipped(
    readers, run_worker, admin_client
):
    rows, mailing, _ = readers
    services.unsubscribe(rows["leaves"])
    careers = Interest.objects.sources().get(slug="career-and-training-opportunities")
    services.save_preferences(rows["changes"], [careers])

    assert run_worker() == 1  # what the worker's log reports as sent: the skipped are not
    assert outbox() == ["stays@example.org"]
    assert skipped(mailing) == {
        "leaves@example.org": "Unsubscribed meanwhile.",
        "changes@example.org": "No longer chose this topic.",
    }
    assert mailing.progress() == {"queued": 0, "sent": 1, "failed": 0, "skipped": 2}
    page = admin_client.get(reverse("newsletter_mailing", args=[mailing.pk]))
    counts = BeautifulSoup(page.content, "html.parser").select("dl.mailing-progress dd")
    assert [dd.get_text() for dd in counts] == ["0", "1", "0", "2"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "take_down", ["unpublish", "delete", "password", "login", "parent restricted"]
)
def test_a_page_taken_down_after_the_mailing_started_is_sent_to_nobody(
    readers, run_worker, take_down
):
    _, mailing, page = readers
    if take_down == "unpublish":
        page.unpublish()
    elif take_down == "delete":  # the mailing outlives its page (its page becomes empty)
        page.delete()
    elif take_down == "parent restricted":
        PageViewRestriction.objects.create(
            page=page.get_parent(), restriction_type=PageViewRestriction.LOGIN
        )
    else:
        restriction = {"password": PageViewRestriction.PASSWORD, "login": "login"}[take_down]
        PageViewRestriction.objects.create(
            page=page, restriction_type=restriction, password="secret-12345"
        )

    assert run_worker() == 0
    assert mail.outbox == []
    assert set(skipped(mailing).values()) == {"The page was unpublished or restricted meanwhile."}
    assert mailing.progress()["skipped"] == 3


@pytest.mark.django_db
def test_a_page_taken_down_while_its_mailing_is_being_sent_goes_to_nobody_after(
    readers, run_worker, monkeypatch
):
    """A mailing to thousands takes minutes: an editor who unpublishes the page after the first
    recipient got it stops it for everyone after."""
    _, mailing, page = readers
    send = emails.send

    def send_then_unpublish(message):
        send(message)
        if page.live:
            page.unpublish()

    monkeypatch.setattr(emails, "send", send_then_unpublish)
    assert run_worker() == 1
    assert len(mail.outbox) == 1
    assert (
        list(skipped(mailing).values()) == ["The page was unpublished or restricted meanwhile."] * 2
    )


@pytest.mark.django_db
def test_a_delivery_another_worker_sent_meanwhile_is_not_sent_again(
    readers, run_worker, monkeypatch
):
    """This worker listed the mailing's queue, then another worker sent one of those emails
    while this one talked to the mail server: it is not sent twice, nor counted by this
    worker."""
    _, mailing, page = readers
    send = emails.send
    by_the_other = mailing.deliveries.select_related("subscriber").order_by("pk").last()

    def send_while_the_other_worker_sends(message):
        send(message)
        if Delivery.objects.filter(pk=by_the_other.pk, status=Delivery.Status.QUEUED).exists():
            send(emails.update_email(by_the_other.subscriber, mailing, page))
            Delivery.objects.filter(pk=by_the_other.pk).update(status=Delivery.Status.SENT)

    monkeypatch.setattr(emails, "send", send_while_the_other_worker_sends)
    assert run_worker() == 2  # the two this worker sent
    assert outbox() == ["changes@example.org", "leaves@example.org", "stays@example.org"]
    assert mailing.progress() == {"queued": 0, "sent": 3, "failed": 0, "skipped": 0}


@pytest.mark.django_db
def test_a_due_email_goes_only_to_the_status_it_was_meant_for(interests, run_worker):
    """A confirmation request for someone who confirmed meanwhile, and a preferences link
    for someone who unsubscribed meanwhile, are not sent (and no longer due)."""
    asked = timezone.now() - timedelta(minutes=1)
    confirmed = Subscriber.objects.create(
        email="confirmed-meanwhile@example.org",
        status=Status.CONFIRMED,
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=asked,
    )
    left = Subscriber.objects.create(
        email="left-meanwhile@example.org",
        status=Status.UNSUBSCRIBED,
        mail_due=Mail.PREFERENCES,
        mail_requested_at=asked,
    )
    Subscriber.objects.create(
        email="waiting@example.org", mail_due=Mail.CONFIRMATION, mail_requested_at=asked
    )
    assert run_worker() == 1
    assert outbox() == ["waiting@example.org"]
    for subscriber in (confirmed, left):
        subscriber.refresh_from_db()
        assert subscriber.mail_due == "" and subscriber.mail_sent_at is None


@pytest.mark.django_db
def test_an_email_another_worker_is_sending_is_left_to_it_unless_that_worker_died(
    interests, run_worker
):
    subscriber = Subscriber.objects.create(
        email="claimed@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - timedelta(minutes=1),
        mail_claimed_at=timezone.now() - timedelta(seconds=5),  # another worker, sending
    )
    assert run_worker() == 0
    assert mail.outbox == []
    # A claim older than MAIL_CLAIM_TIMEOUT is a worker that died mid-send: taken over.
    Subscriber.objects.filter(pk=subscriber.pk).update(
        mail_claimed_at=timezone.now() - MAIL_CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    assert run_worker() == 1
    assert outbox() == ["claimed@example.org"]


def test_two_workers_at_once_send_a_due_email_once(committed_site, settings, run_worker):
    """Worker A is talking to a slow mail server about an email; worker B's pass at that
    moment leaves it alone. Real concurrent transactions: PostgreSQL (CI), not SQLite."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; this runs on PostgreSQL in CI")
    Subscriber.objects.create(
        email="once@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - timedelta(minutes=1),
    )
    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.SlowServerBackend"
    SlowServerBackend.talking.clear()
    SlowServerBackend.answer.clear()
    sent = {}

    def worker(name):
        try:
            sent[name] = run_worker()
        finally:
            connections.close_all()

    first = threading.Thread(target=worker, args=("A",))
    first.start()
    try:
        assert SlowServerBackend.talking.wait(timeout=30), "worker A never reached the server"
        second = threading.Thread(target=worker, args=("B",))
        second.start()
        second.join(timeout=30)
        assert not second.is_alive() and sent["B"] == 0  # B left A's email alone
    finally:
        SlowServerBackend.answer.set()
        first.join(timeout=60)
    assert sent["A"] == 1
    assert [message.to for message in mail.outbox] == [["once@example.org"]]
    assert Subscriber.objects.get().mail_due == ""
