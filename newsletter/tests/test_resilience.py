"""Side services failing: a mail server that never answers, a database that is gone. The
visitor's sign-up is stored or clearly refused, never lost and never a 500; the background
worker rides out the outage and then sends each email exactly once."""

from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import OperationalError, connection, transaction

from newsletter.models import Subscriber
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, snapshot, valid_data
from newsletter.tokens import make_preferences_token
from newsletter.worker import Worker, back_off
from testing.mail_server import MailServer

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def black_hole_smtp(settings):
    server = MailServer(black_hole=True)  # never answers, like a hung server
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.close()


@contextmanager
def database_down():
    """Every query fails as when the database server is unreachable (at the driver edge:
    Django's documented execute_wrapper hook sees each query before the database does)."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def test_a_mail_server_that_never_answers_slows_no_signup_and_the_worker_sends_later(
    client, interests, black_hole_smtp, settings, run_worker
):
    response = client.post(
        SIGNUP_URL, valid_data(email="patient@example.org"), HTTP_ORIGIN=SAME_ORIGIN
    )
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-email/"
    # The request never talked to the mail server; the email waits in the database.
    assert black_hole_smtp.accepted == []
    subscriber = Subscriber.objects.get(email="patient@example.org")
    assert subscriber.mail_due == Subscriber.Mail.CONFIRMATION

    # The worker tries, the server never answers: the email stays due, nothing is lost.
    assert run_worker() is None
    assert len(black_hole_smtp.accepted) == 1
    subscriber.refresh_from_db()
    assert subscriber.mail_due == Subscriber.Mail.CONFIRMATION
    assert subscriber.mail_failures == 1

    settings.EMAIL_BACKEND = LOCMEM  # the mail server works again
    assert run_worker() == 1
    assert [message.to for message in mail.outbox] == [["patient@example.org"]]
    assert run_worker() == 0
    assert len(mail.outbox) == 1  # exactly once


def unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.h1.get_text(), soup.main.get_text(" ", strip=True)


def test_a_signup_while_the_database_is_down_says_nothing_was_saved(client, interests):
    with database_down():
        response = client.post(SIGNUP_URL, valid_data(), HTTP_ORIGIN=SAME_ORIGIN)
    heading, text = unavailable_page(response)
    assert heading == "Email updates are unavailable for a moment"
    assert "nothing was changed and no email will be sent" in text
    assert "send the form again" in text
    assert "Traceback" not in response.content.decode()
    assert not Subscriber.objects.exists()
    # Back up: the same sign-up goes through.
    response = client.post(SIGNUP_URL, valid_data(), HTTP_ORIGIN=SAME_ORIGIN)
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "new.person@example.org"


def test_saving_preferences_while_the_database_is_down_changes_nothing(client, interests):
    news, careers = interests
    subscriber = Subscriber.objects.create(email="keep@example.org", status="confirmed")
    subscriber.interests.set([news])
    url = f"/newsletter/preferences/{make_preferences_token(subscriber)}/"
    before = snapshot()
    client.get(url)  # the CSRF cookie, as a browser would have it
    token = client.cookies["csrftoken"].value
    with database_down():
        response = client.post(
            url,
            {"action": "save", "interests": [careers.slug], "csrfmiddlewaretoken": token},
        )
        _, text = unavailable_page(response)
        assert "nothing was changed" in text
        _, text = unavailable_page(client.get(url))  # opening the link: can't be shown
        assert "could not be shown" in text
    assert snapshot() == before


def test_the_worker_rides_out_a_database_outage_then_sends_each_email_once(
    client, interests, monkeypatch
):
    monkeypatch.setattr("newsletter.worker.close_old_connections", lambda: None)
    for number in range(2):
        client.post(SIGNUP_URL, valid_data(email=f"q{number}@example.org"), HTTP_ORIGIN=SAME_ORIGIN)
    worker = Worker(interval=2, max_delay=30)
    waits = []
    monkeypatch.setattr(worker.stopping, "wait", waits.append)

    with database_down():
        worker.run(passes=6)  # each pass fails; the worker neither dies nor sends
    assert mail.outbox == []
    assert waits == [4, 8, 16, 30, 30]  # capped exponential back-off between passes

    worker.run(passes=3)  # the database is back
    assert sorted(message.to[0] for message in mail.outbox) == ["q0@example.org", "q1@example.org"]
    assert worker.failures == 0
    assert waits[-2:] == [2, 2]  # back to the normal interval
    assert not Subscriber.objects.exclude(mail_due="").exists()


def test_a_send_the_database_could_not_record_is_recorded_first_when_it_is_back(
    client, interests, run_worker
):
    """The database goes away just after the mail server took Pat's email, before the worker
    recorded it: the next pass records it first, so Pat does not get it twice, and the queue
    goes on."""
    client.post(SIGNUP_URL, valid_data(email="pat@example.org"), HTTP_ORIGIN=SAME_ORIGIN)
    refused = []

    def refuse_the_record(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "mail_sent_at" in sql and not refused:
            refused.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_the_record):
        assert run_worker() is None
    # The worker runs in autocommit; inside this test's transaction Django marked the failed
    # UPDATE (refused before it reached the database) for a rollback that is not needed.
    transaction.set_rollback(False)
    assert refused and [message.to for message in mail.outbox] == [["pat@example.org"]]

    client.post(SIGNUP_URL, valid_data(email="sam@example.org"), HTTP_ORIGIN=SAME_ORIGIN)
    assert run_worker() == 1
    assert [message.to for message in mail.outbox] == [["pat@example.org"], ["sam@example.org"]]
    assert not Subscriber.objects.exclude(mail_due="").exists()


def test_back_off_starts_at_the_interval_and_is_capped():
    assert [back_off(n, 2, 300) for n in range(10)] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert back_off(10_000, 2, 300) == 300  # a week-long outage does not overflow


def test_links_come_from_the_configured_address_not_the_request(
    client, interests, settings, run_worker
):
    settings.WAGTAILADMIN_BASE_URL = "https://www.bostonems.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    response = client.post(
        SIGNUP_URL,
        valid_data(email="links@example.org"),
        HTTP_HOST="evil.example:8443",
        HTTP_ORIGIN="http://evil.example:8443",
        HTTP_X_FORWARDED_PROTO="http",
    )
    assert response.status_code == 302
    run_worker()
    body = mail.outbox[0].body
    assert "https://www.bostonems.example/newsletter/confirm/" in body
    assert "evil.example" not in body and "8443" not in body
