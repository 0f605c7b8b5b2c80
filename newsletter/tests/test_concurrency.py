"""Simultaneous sign-ups of one address (double clicks, a form sent from two tabs, a robot)
must leave one row, one email and no error. Needs a database with real row locking and
concurrent writers: runs on PostgreSQL (CI), skipped on SQLite."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from bostonems_site.seed import ensure_locales
from newsletter.models import Interest, Subscriber
from newsletter.tests.conftest import SAME_ORIGIN, SIGNUP_URL, valid_data

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
