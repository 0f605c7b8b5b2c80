"""The mail server's replies, judged per message, against a real SMTP listener (aiosmtpd) that
answers scripted codes per recipient and stage: a message refused for now (4xx) is tried again
later, then counts as failed after NEWSLETTER_MAIL_MAX_TRIES; a message refused for good (5xx)
fails at once; neither holds up anyone else's email. Only the server itself failing
(connection, login, a 421 "closing") pauses the worker, and then nothing is lost."""

import logging
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from news.models import NewsPage
from newsletter.models import Delivery, Interest, Subscriber
from newsletter.sending import start_mailing
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, valid_data

pytestmark = pytest.mark.django_db
GREYLISTED = "450 4.2.0 Greylisted, try again later"
REJECTED = "554 5.6.0 Message rejected"
Status, Mail = Subscriber.Status, Subscriber.Mail


@pytest.fixture
def news_topic(seeded_site):
    return Interest.objects.sources().get(slug="news-and-events")


def awaiting_confirmation(*addresses):
    """Sign-ups whose confirmation email is due, oldest first."""
    start = timezone.now() - timedelta(hours=1)
    return [
        Subscriber.objects.create(
            email=address,
            mail_due=Mail.CONFIRMATION,
            mail_requested_at=start + timedelta(seconds=number),
        )
        for number, address in enumerate(addresses)
    ]


def mailing_to(topic, *addresses):
    """A news page's mailing to these confirmed subscribers, deliveries in this order."""
    for address in addresses:
        Subscriber.objects.create(email=address, status=Status.CONFIRMED).interests.add(topic)
    return start_mailing(NewsPage.objects.get(slug="sample-new-ambulances"), None)


def delivery_to(address):
    return Delivery.objects.get(subscriber__email=address)


def test_a_message_refused_for_now_is_tried_again_later_then_delivered(
    smtp, news_topic, run_worker, time_machine, caplog
):
    time_machine.move_to(timezone.now(), tick=False)
    grey, fine = awaiting_confirmation("grey@example.org", "fine@example.org")
    mailing = mailing_to(news_topic, "reader-grey@example.org", "reader@example.org")
    smtp.script("grey@example.org", rcpt=[GREYLISTED])
    smtp.script("reader-grey@example.org", rcpt=[GREYLISTED])

    with caplog.at_level(logging.INFO, logger="newsletter"):
        assert run_worker() == 2
    # The log says who waits and why (no warning: nothing failed yet).
    delivery = delivery_to("reader-grey@example.org")
    assert f"Email to subscriber {grey.pk} refused for now: {GREYLISTED}" in caplog.messages
    assert f"Delivery {delivery.pk} refused for now: {GREYLISTED}" in caplog.messages
    assert not [
        record
        for record in caplog.records
        if record.name.startswith("newsletter") and record.levelno >= logging.WARNING
    ]
    assert smtp.recipients() == ["fine@example.org", "reader@example.org"]
    grey.refresh_from_db()
    assert grey.mail_due == Mail.CONFIRMATION  # still to be sent
    assert grey.mail_error == GREYLISTED
    assert (grey.mail_refusals, grey.mail_failures) == (1, 1)  # the next wait doubles
    assert grey.mail_retry_at == timezone.now() + timedelta(minutes=2)
    assert delivery_to("reader-grey@example.org").status == Delivery.Status.QUEUED

    assert run_worker() == 0  # not before its time: the server asked for patience
    assert smtp.replies_to("grey@example.org") == [GREYLISTED]

    time_machine.shift(timedelta(minutes=2))
    assert run_worker() == 2
    assert smtp.replies_to("grey@example.org") == [GREYLISTED, "250 OK"]
    assert smtp.replies_to("reader-grey@example.org") == [GREYLISTED, "250 OK"]
    assert sorted(smtp.recipients()) == [
        "fine@example.org",
        "grey@example.org",
        "reader-grey@example.org",
        "reader@example.org",
    ]
    grey.refresh_from_db()
    assert (grey.mail_due, grey.mail_error, grey.mail_retry_at) == ("", "", None)
    assert grey.mail_failures == 0  # the manager's inspect page: it went out, nothing failed
    assert mailing.progress()["sent"] == 2


def test_a_message_refused_for_now_waits_its_time_while_the_next_mailing_goes_out(
    smtp, news_topic, run_worker, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    first = mailing_to(news_topic, "reader-grey@example.org", "reader@example.org")
    smtp.script("reader-grey@example.org", rcpt=[GREYLISTED])
    assert run_worker() == 1
    # Another news page goes out before the greylisted reader's retry time: they get that
    # one, and the first still waits its time.
    second = start_mailing(NewsPage.objects.get(slug="sample-hands-only-cpr-day"), None)
    assert run_worker() == 2
    assert smtp.replies_to("reader-grey@example.org") == [GREYLISTED, "250 OK"]
    assert first.progress() == {"queued": 1, "sent": 1, "failed": 0, "skipped": 0}
    assert second.progress() == {"queued": 0, "sent": 2, "failed": 0, "skipped": 0}


def test_a_message_refused_for_good_fails_and_everyone_else_gets_theirs_in_the_same_pass(
    smtp, news_topic, run_worker, admin_client
):
    bad, good = awaiting_confirmation("bad@example.org", "good@example.org")
    mailing = mailing_to(
        news_topic, "first@example.org", "refused@example.org", "third@example.org"
    )
    smtp.script("bad@example.org", data=[REJECTED])
    smtp.script("refused@example.org", data=[REJECTED])

    assert run_worker() == 3
    assert sorted(smtp.recipients()) == [
        "first@example.org",
        "good@example.org",
        "third@example.org",
    ]
    bad.refresh_from_db()
    assert bad.mail_due == "" and bad.mail_error == REJECTED  # failed, not tried again
    # The manager's inspect page counts one failed attempt; no retry is pending.
    assert (bad.mail_failures, bad.mail_refusals, bad.mail_retry_at) == (1, 0, None)
    refused = delivery_to("refused@example.org")
    assert (refused.status, refused.error) == (Delivery.Status.FAILED, REJECTED)
    assert mailing.progress() == {"queued": 0, "sent": 2, "failed": 1, "skipped": 0}
    # The manager sees who did not get it, and the mail server's reason.
    page = admin_client.get(reverse("newsletter_mailing", args=[mailing.pk]))
    rows = BeautifulSoup(page.content, "html.parser").select("table.listing tbody tr")
    assert [[td.get_text() for td in row("td")] for row in rows] == [
        ["refused@example.org", "Failed", REJECTED]
    ]

    assert run_worker() == 0
    assert smtp.replies_to("bad@example.org", "DATA") == [REJECTED]
    assert smtp.replies_to("refused@example.org", "DATA") == [REJECTED]


def test_a_long_refusal_is_kept_as_far_as_it_fits_and_logged_whole(
    smtp, news_topic, run_worker, caplog
):
    """Mail servers may explain a refusal at length: the record keeps the first 255
    characters (the column's size: PostgreSQL refuses more, and the outcome could never be
    recorded), and the log names the subscriber or delivery with the whole reply."""
    long_reply = "554 5.7.1 Rejected by the recipient's policy" + "; see the provider's help" * 12
    (bad,) = awaiting_confirmation("bad@example.org")
    mailing_to(news_topic, "refused@example.org")
    smtp.script("bad@example.org", data=[long_reply])
    smtp.script("refused@example.org", data=[long_reply])

    with caplog.at_level(logging.WARNING):
        assert run_worker() == 0
    bad.refresh_from_db()
    refused = delivery_to("refused@example.org")
    assert bad.mail_error == refused.error == long_reply[:255]
    assert f"Email to subscriber {bad.pk} failed: {long_reply}" in caplog.messages
    assert f"Delivery {refused.pk} failed: {long_reply}" in caplog.messages


def test_a_long_reply_of_a_closing_server_is_kept_as_far_as_it_fits_and_logged_whole(
    smtp, news_topic, run_worker, caplog
):
    """As for a refusal: the waiting delivery keeps the first 255 characters of the reason
    (PostgreSQL refuses more, and the pass would end on a database error instead)."""
    closing = "421 4.3.2 Service shutting down for maintenance" + "; see the status page" * 12
    mailing_to(news_topic, "reader@example.org")
    smtp.script("reader@example.org", rcpt=[closing])
    with caplog.at_level(logging.WARNING, logger="newsletter"):
        assert run_worker() is None  # the pass paused
    waiting = delivery_to("reader@example.org")
    prefix = f"Delivery {waiting.pk} not sent: "
    (logged,) = [line.removeprefix(prefix) for line in caplog.messages if line.startswith(prefix)]
    assert "status page; see the status page" in logged[255:]  # the whole reply, in the log
    assert logged.startswith("421 4.3.2 Service shutting down")  # as the server wrote it
    assert (waiting.status, waiting.error) == (Delivery.Status.QUEUED, logged[:255])


def test_a_message_refused_for_now_too_often_counts_as_failed(
    smtp, news_topic, run_worker, time_machine, settings
):
    settings.NEWSLETTER_MAIL_MAX_TRIES = 3
    time_machine.move_to(timezone.now(), tick=False)
    mailing = mailing_to(news_topic, "full@example.org")
    full_mailbox = "452 4.2.2 Mailbox full"
    smtp.script("full@example.org", rcpt=[full_mailbox] * 5)

    waits = []
    for _ in range(4):
        run_worker()
        retry_at = delivery_to("full@example.org").retry_at
        if retry_at:
            waits.append(retry_at - timezone.now())
            time_machine.move_to(retry_at, tick=False)
    assert waits == [timedelta(minutes=2), timedelta(minutes=4)]  # doubling
    assert smtp.replies_to("full@example.org") == [full_mailbox] * 3
    failed = delivery_to("full@example.org")
    assert (failed.status, failed.error, failed.refusals) == (
        Delivery.Status.FAILED,
        full_mailbox,
        3,
    )
    assert mailing.progress()["failed"] == 1 and smtp.recipients() == []


@pytest.mark.parametrize("failure", ["connection refused", "login refused", "421 closing"])
def test_when_the_server_itself_fails_the_worker_pauses_and_loses_nothing(
    smtp, news_topic, run_worker, settings, failure
):
    waiting = awaiting_confirmation("one@example.org", "two@example.org")
    mailing = mailing_to(news_topic, "reader@example.org")
    if failure == "connection refused":
        from testing.servers import free_port

        settings.EMAIL_PORT = free_port()  # nothing listens there
    elif failure == "login refused":
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "site", "wrong password"
    else:
        smtp.script("one@example.org", rcpt=["421 4.3.2 Service shutting down"])

    assert run_worker() is None  # the pass paused
    for subscriber in waiting:
        subscriber.refresh_from_db()
        assert subscriber.mail_due == Mail.CONFIRMATION
        assert (subscriber.mail_refusals, subscriber.mail_retry_at) == (0, None)
    assert mailing.progress()["queued"] == 1
    assert smtp.recipients() == []

    settings.EMAIL_PORT, settings.EMAIL_HOST_USER = smtp.port, ""  # the server is back
    assert run_worker() == 3
    assert sorted(smtp.recipients()) == [
        "one@example.org",
        "reader@example.org",
        "two@example.org",
    ]
    assert run_worker() == 0  # each exactly once
    assert len(smtp.recipients()) == 3


def test_a_new_sign_up_after_a_refusal_starts_afresh(
    smtp, news_topic, run_worker, time_machine, client
):
    """Pat's confirmation was greylisted; Pat signs up again: the new email goes out at once
    with every try of its own (the first wait is again 2 minutes), and the manager no longer
    sees the earlier email's refusal as this one's."""
    time_machine.move_to(timezone.now(), tick=False)
    (pat,) = awaiting_confirmation("pat@example.org")
    smtp.script("pat@example.org", rcpt=[GREYLISTED, GREYLISTED])
    assert run_worker() == 0
    pat.refresh_from_db()
    assert (pat.mail_refusals, pat.mail_error) == (1, GREYLISTED)

    client.post(SIGNUP_URL, valid_data(email="pat@example.org"), HTTP_ORIGIN=SAME_ORIGIN)
    pat.refresh_from_db()
    assert (pat.mail_due, pat.mail_refusals, pat.mail_retry_at, pat.mail_error) == (
        Mail.CONFIRMATION,
        0,
        None,
        "",
    )
    assert run_worker() == 0  # greylisted again: tried at once, not at the old retry time
    assert smtp.replies_to("pat@example.org") == [GREYLISTED, GREYLISTED]
    pat.refresh_from_db()
    assert pat.mail_retry_at == timezone.now() + timedelta(minutes=2)
    time_machine.shift(timedelta(minutes=2))
    assert run_worker() == 1
    assert smtp.recipients() == ["pat@example.org"]


def test_a_sign_up_made_while_its_earlier_email_is_being_sent_gets_every_try(
    smtp, news_topic, run_worker, time_machine, client, monkeypatch
):
    """Pat signs up again while the worker sends Pat's first confirmation, which goes out; the
    new request's email is greylisted: it is tried again after the first wait, 2 minutes."""
    from newsletter import emails

    time_machine.move_to(timezone.now(), tick=False)
    (pat,) = awaiting_confirmation("pat@example.org")
    send = emails.send

    def send_while_pat_signs_up_again(message):
        send(message)
        if len(smtp.recipients()) == 1:
            smtp.script("pat@example.org", rcpt=[GREYLISTED])
            client.post(SIGNUP_URL, valid_data(email="pat@example.org"), HTTP_ORIGIN=SAME_ORIGIN)

    monkeypatch.setattr(emails, "send", send_while_pat_signs_up_again)
    assert run_worker() == 1
    assert run_worker() == 0
    assert smtp.replies_to("pat@example.org") == ["250 OK", GREYLISTED]
    pat.refresh_from_db()
    assert pat.mail_due == Mail.CONFIRMATION
    assert pat.mail_retry_at == timezone.now() + timedelta(minutes=2)
