"""Simultaneous requests: sign-ups of one address (double clicks, a form sent from two tabs, a
robot) must leave one row, one email and no error, and a visitor never waits for the worker.
The races that need real row locking and concurrent writers run on PostgreSQL (CI) and are
skipped on SQLite; the interleavings a test can order by itself run everywhere."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bostonems_site.seed import ensure_locales
from newsletter import services
from newsletter.models import Interest, Subscriber
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, valid_data
from newsletter.tests.failing_backend import SlowServerBackend
from newsletter.tokens import make_preferences_token

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_of_one_address_leave_one_row_and_no_error(run_worker):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; this runs on PostgreSQL in CI")
    ensure_locales()  # topics belong to a locale; an earlier transactional test flushed it
    Interest.objects.create(name="News and Events", slug="news-and-events")
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def sign_up(number):
        try:
            client = Client(raise_request_exception=True)
            address = "Race@Example.org" if number % 2 else "race@example.ORG"
            barrier.wait(timeout=10)
            response = client.post(SIGNUP_URL, valid_data(email=address), HTTP_ORIGIN=SAME_ORIGIN)
            outcomes.append(response.status_code)
        except Exception as error:  # recorded, so the assertion below shows it
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [302] * THREADS
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    run_worker()
    assert len(mail.outbox) == 1


def test_a_subscribers_requests_never_wait_for_the_worker_talking_to_the_mail_server(
    committed_site, settings, run_worker
):
    """While the worker sends someone's confirmation email to a mail server that takes its
    time, that person's preferences save (which confirms) and a new sign-up go through at once
    (on PostgreSQL a row lock held during the send would make them wait up to EMAIL_TIMEOUT),
    and nothing is lost: the email went out once, the saved choices stay, and the link the
    sign-up asked for is still due."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; this runs on PostgreSQL in CI")
    news = Interest.objects.sources().get(slug="news-and-events")
    subscriber = Subscriber.objects.create(
        email="busy@example.org",
        mail_due=Subscriber.Mail.CONFIRMATION,
        mail_requested_at=timezone.now() - timedelta(hours=1),
    )
    subscriber.interests.set([news])
    settings.EMAIL_BACKEND = "newsletter.tests.failing_backend.SlowServerBackend"
    SlowServerBackend.talking.clear()
    SlowServerBackend.answer.clear()

    worker = threading.Thread(target=lambda: (run_worker(), connections.close_all()))
    worker.start()
    assert SlowServerBackend.talking.wait(timeout=30), "the worker never reached the server"

    outcomes = []
    careers = "career-and-training-opportunities"

    def visitor():
        try:
            client = Client(raise_request_exception=True)
            url = reverse("newsletter:preferences", args=[make_preferences_token(subscriber)])
            client.get(url)  # the CSRF cookie, as a browser would have it
            token = client.cookies["csrftoken"].value
            saved = client.post(
                url, {"action": "save", "interests": [careers], "csrfmiddlewaretoken": token}
            )
            signed_up = client.post(
                SIGNUP_URL, valid_data(email="busy@example.org"), HTTP_ORIGIN=SAME_ORIGIN
            )
            outcomes.extend([saved.status_code, signed_up.status_code])
        except Exception as error:  # recorded, so the assertion below shows it
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    request = threading.Thread(target=visitor)
    request.start()
    request.join(timeout=30)
    try:
        # Both requests finished while the mail server still had not answered.
        assert not request.is_alive() and not SlowServerBackend.answer.is_set()
        assert outcomes == [302, 302]
    finally:
        SlowServerBackend.answer.set()
        worker.join(timeout=60)
        request.join(timeout=60)

    subscriber.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["busy@example.org"]]
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert list(subscriber.interests.values_list("slug", flat=True)) == [careers]
    # The sign-up (already confirmed) asked for a preferences link meanwhile: still due.
    assert subscriber.mail_due == Subscriber.Mail.PREFERENCES
    assert subscriber.mail_claimed_at is None


def test_confirming_while_the_address_is_signed_up_again_stays_confirmed(
    committed_site, monkeypatch, run_worker
):
    """Pat signs up again (another tab, or someone else typing Pat's address) and, at that very
    moment, presses "Confirm" in the first email. The sign-up holds Pat's row locked from
    reading it to saving it, so the confirmation is applied after it rather than overwritten by
    it: Pat stays subscribed and gets no "please confirm" email afterwards."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; this runs on PostgreSQL in CI")
    from newsletter.tokens import make_confirm_token

    news = Interest.objects.sources().get(slug="news-and-events")
    pat = Subscriber.objects.create(
        email="pat@example.org", mail_requested_at=timezone.now() - timedelta(hours=1)
    )
    pat.interests.set([news])
    confirm_url = reverse("newsletter:confirm", args=[make_confirm_token(pat, [news.slug])])

    # The sign-up stops between reading Pat's row and saving it until `go`.
    has_read, go = threading.Event(), threading.Event()
    emails_today = services._emails_today

    def pause_after_reading(subscriber, now):
        if not has_read.is_set():
            has_read.set()
            go.wait(timeout=30)
        return emails_today(subscriber, now)

    monkeypatch.setattr(services, "_emails_today", pause_after_reading)
    outcomes = {}

    def request(name, send):
        try:
            outcomes[name] = send(Client(raise_request_exception=True)).status_code
        except Exception as error:  # recorded, so the assertion below shows it
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    signup = threading.Thread(
        target=request,
        args=(
            "signup",
            lambda client: client.post(
                SIGNUP_URL, valid_data(email="pat@example.org"), HTTP_ORIGIN=SAME_ORIGIN
            ),
        ),
    )
    confirm = threading.Thread(
        target=request, args=("confirm", lambda client: client.post(confirm_url))
    )
    signup.start()
    try:
        assert has_read.wait(timeout=30), "the sign-up never read the row"
        confirm.start()
        # The confirmation either finishes (nothing held it) or waits for the sign-up's lock.
        deadline = time.monotonic() + 10
        while confirm.is_alive() and not waiting_for_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        go.set()
        signup.join(timeout=30)
        confirm.join(timeout=30)
    assert outcomes == {"signup": 302, "confirm": 302}
    pat.refresh_from_db()
    assert pat.status == Subscriber.Status.CONFIRMED
    assert run_worker() == 0 and mail.outbox == []


def waiting_for_a_lock():
    """Whether a session of this test database waits for a row lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status, due, action",
    [
        (Subscriber.Status.PENDING, Subscriber.Mail.CONFIRMATION, "confirm"),
        (Subscriber.Status.PENDING, Subscriber.Mail.CONFIRMATION, "save_preferences"),
        (Subscriber.Status.CONFIRMED, Subscriber.Mail.PREFERENCES, "unsubscribe"),
    ],
)
def test_a_visitors_answer_keeps_what_the_worker_recorded_meanwhile(
    interests, run_worker, status, due, action
):
    """Pat presses "Confirm" (or saves topics, or unsubscribes) while the worker finishes sending
    Pat's email:
    Pat's request read the row before the worker recorded the email as sent. Pat's answer
    must not undo that record, which staff read in the admin ("last email sent")."""
    pat = Subscriber.objects.create(
        email="pat@example.org", status=status, mail_due=due, mail_requested_at=timezone.now()
    )
    as_pats_request_read_it = Subscriber.objects.get(pk=pat.pk)
    run_worker()
    assert len(mail.outbox) == 1
    if action == "unsubscribe":
        services.unsubscribe(as_pats_request_read_it)
    else:
        getattr(services, action)(as_pats_request_read_it, [interests[0]])
    pat.refresh_from_db()
    assert pat.mail_sent_at is not None
    assert pat.status == (
        Subscriber.Status.UNSUBSCRIBED if action == "unsubscribe" else Subscriber.Status.CONFIRMED
    )
