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
from django.test.utils import CaptureQueriesContext
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


@pytest.mark.django_db
def test_a_sign_up_made_while_its_earlier_email_is_being_sent_gets_an_email_of_its_own(
    interests, run_worker, monkeypatch, time_machine
):
    """Pat signs up again, choosing another topic, while the worker is sending Pat's first
    confirmation email: that email goes out, and then one for the new request."""
    time_machine.move_to(timezone.now(), tick=False)
    news, careers = interests
    pat = Subscriber.objects.create(
        email="pat@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - timedelta(hours=1),
    )
    pat.interests.set([news])
    send = emails.send

    def send_while_pat_signs_up_again(message):
        send(message)
        if len(mail.outbox) == 1:
            services.request_subscription(
                services.SignupRequest(email="pat@example.org", interests=[careers])
            )

    monkeypatch.setattr(emails, "send", send_while_pat_signs_up_again)
    assert run_worker() == 1
    assert run_worker() == 1
    assert outbox() == ["pat@example.org", "pat@example.org"]
    assert careers.name in mail.outbox[1].body and careers.name not in mail.outbox[0].body


@pytest.mark.django_db
def test_who_confirms_while_the_worker_sends_someone_elses_email_gets_nothing_more(
    interests, run_worker, monkeypatch
):
    """The worker lists the due emails, then sends them one by one: Kim confirms (from an
    earlier email) while it sends Lee's, so Kim's waiting "please confirm" is not sent."""
    asked = timezone.now() - timedelta(minutes=1)
    Subscriber.objects.create(
        email="lee@example.org", mail_due=Mail.CONFIRMATION, mail_requested_at=asked
    )
    kim = Subscriber.objects.create(
        email="kim@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=asked + timedelta(seconds=1),
    )
    send = emails.send

    def send_while_kim_confirms(message):
        send(message)
        services.confirm(Subscriber.objects.get(pk=kim.pk), [])

    monkeypatch.setattr(emails, "send", send_while_kim_confirms)
    assert run_worker() == 1
    assert outbox() == ["lee@example.org"]
    assert run_worker() == 0 and outbox() == ["lee@example.org"]


@pytest.mark.django_db
def test_who_has_waited_longest_gets_their_email_first(interests, run_worker):
    """Oldest request first, whatever the order the rows were made in: should the mail server
    fail half-way through a pass, the visitor who has waited longest is not the one left
    waiting."""
    now = timezone.now()
    for address, waited in (("recent@example.org", 1), ("longest@example.org", 60)):
        Subscriber.objects.create(
            email=address,
            mail_due=Mail.CONFIRMATION,
            mail_requested_at=now - timedelta(minutes=waited),
        )
    assert run_worker() == 2
    assert [message.to for message in mail.outbox] == [
        ["longest@example.org"],
        ["recent@example.org"],
    ]


@pytest.mark.django_db
def test_a_pass_with_nothing_due_costs_the_same_however_many_subscribers(interests, run_worker):
    """The worker passes every few seconds: with nothing to send it looks only at what is due,
    not at each subscriber in turn."""

    def queries_of_a_pass():
        with CaptureQueriesContext(connection) as queries:
            assert run_worker() == 0
        return len(queries)

    Subscriber.objects.create(email="one@example.org", status=Status.CONFIRMED)
    with_one = queries_of_a_pass()
    for number in range(10):
        Subscriber.objects.create(email=f"reader{number}@example.org", status=Status.CONFIRMED)
    assert queries_of_a_pass() == with_one


@pytest.mark.django_db
def test_a_worker_taken_over_records_nothing_of_its_late_outcome(
    interests, run_worker, monkeypatch, time_machine
):
    """Worker A's mail server takes longer than MAIL_CLAIM_TIMEOUT, so worker B takes Pat's
    email over and sends it; A's server then refuses it. The manager sees what B did (sent),
    not A's refusal: A's claim is no longer the row's, so its outcome is dropped."""
    time_machine.move_to(timezone.now(), tick=False)
    pat = Subscriber.objects.create(
        email="pat@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - timedelta(minutes=1),
    )
    send = emails.send
    attempts = []

    def slow_then_refused(message):
        attempts.append(message.to)
        if len(attempts) > 1:  # worker B's send
            return send(message)
        time_machine.shift(MAIL_CLAIM_TIMEOUT + timedelta(seconds=1))
        assert services.send_due_mail(pat.pk)  # worker B takes over and sends
        raise emails.MessageRefused(554, "5.6.0 Message rejected")

    monkeypatch.setattr(emails, "send", slow_then_refused)
    assert run_worker() == 0  # worker A's pass: refused
    assert len(attempts) == 2 and outbox() == ["pat@example.org"]
    pat.refresh_from_db()
    assert (pat.mail_due, pat.mail_error, pat.mail_failures) == ("", "", 0)
    assert pat.mail_sent_at == timezone.now()


@pytest.mark.django_db
def test_two_workers_claiming_at_the_same_instant_each_record_only_their_own_email(
    interests, run_worker, monkeypatch, time_machine
):
    """Worker A sends Ann's email while worker B, on another node, claims and sends Bob's at
    the very same instant: each records its own outcome only, and nobody gets an email twice."""
    time_machine.move_to(timezone.now(), tick=False)
    asked = timezone.now() - timedelta(minutes=1)
    ann = Subscriber.objects.create(
        email="ann@example.org", mail_due=Mail.CONFIRMATION, mail_requested_at=asked
    )
    bob = Subscriber.objects.create(
        email="bob@example.org",
        mail_due=Mail.CONFIRMATION,
        mail_requested_at=asked + timedelta(seconds=1),
    )
    send = emails.send

    def send_while_b_sends_bobs(message):
        send(message)
        if message.to == [ann.email]:
            assert services.send_due_mail(bob.pk)  # worker B, same claim time

    monkeypatch.setattr(emails, "send", send_while_b_sends_bobs)
    assert run_worker() == 1  # worker A: Ann's (Bob's was B's)
    assert run_worker() == 0
    assert outbox() == ["ann@example.org", "bob@example.org"]
    assert not Subscriber.objects.exclude(mail_due="").exists()
