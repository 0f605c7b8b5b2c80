"""Editors publishing, visitors signing up and the newsletter worker all write to the database at
the same moment, and none of them may fail. On SQLite (`make run`, local `make test`) this is
what the WAL / IMMEDIATE / busy-timeout options in settings/base.py are for: without them the
second writer gets "database is locked" and the visitor or editor a 500. On PostgreSQL (CI) the
same test guards the sign-up and publishing code against concurrency errors.

Real writers, each with its own database connection: a threaded live server answering sign-up
POSTs over HTTP, an editor's admin session in another thread, and the worker as a separate
process (`manage.py run_newsletter_worker`, as `make run` starts it)."""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.urls import reverse

from divisions.models import DivisionIndexPage, DivisionPage
from news.models import NewsIndexPage, NewsPage
from newsletter.models import Delivery, Interest, Subscriber
from testing.admin_forms import admin_post_form, updated, with_streams
from testing.servers import database_url

SIGNUPS = 200
AT_ONCE = 20
PAGES_PUBLISHED = 4


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer we check


def post_signup(base_url, number):
    """One visitor's sign-up form POST; returns the HTTP status."""
    data = urllib.parse.urlencode(
        {
            "email": f"visitor{number}@example.org",
            "interests": "news-and-events",
            "source": "/",
            "website": "",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (our loopback live server)
        f"{base_url}/newsletter/signup/", data=data, headers={"Origin": base_url}
    )
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def publish_pages(editor, outcomes):
    """An editor starts division and news pages (the editor's autosave creates each draft),
    publishes them and sends the news pages to subscribers, through the admin's own views."""
    client = Client()
    client.force_login(editor)
    division_index = DivisionIndexPage.objects.get(locale__language_code="en")
    news_index = NewsIndexPage.objects.get(locale__language_code="en")
    try:
        for number in range(PAGES_PUBLISHED):
            for model, parent, fields in [
                (DivisionPage, division_index, {"summary": "A division made during the test."}),
                (NewsPage, news_index, {"summary": "News made during the test.", "kind": "news"}),
            ]:
                slug = f"concurrent-{model._meta.model_name}-{number}"
                add_url = reverse(
                    "wagtailadmin_pages:add",
                    args=[model._meta.app_label, model._meta.model_name, parent.pk],
                )
                form = updated(
                    with_streams(admin_post_form(client, add_url), body=[]),
                    title=f"Concurrent {model._meta.verbose_name} {number}",
                    slug=slug,
                    **fields,
                )
                # The editor's autosave: a JSON request that creates the draft.
                autosave = client.post(add_url, form, HTTP_ACCEPT="application/json")
                outcomes.append((f"autosave {slug}", autosave.status_code))
                edit_url = autosave.json()["url"]
                form = with_streams(
                    admin_post_form(client, edit_url, form_id="page-edit-form"), body=[]
                )
                form["action-publish"] = "action-publish"
                outcomes.append((f"publish {slug}", client.post(edit_url, form).status_code))
                if model is NewsPage:
                    page = NewsPage.objects.get(slug=slug)
                    send_url = reverse("newsletter_send_page", args=[page.pk])
                    outcomes.append(
                        (f"send {slug}", client.post(send_url, {"action": "send"}).status_code)
                    )
    except Exception as error:  # recorded, so the assertion shows it
        outcomes.append(("editor", repr(error)))
    finally:
        connections.close_all()


@pytest.fixture
def worker():
    """The newsletter worker as `make run` starts it (polling faster), on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bostonems_site.settings.test",
        "DATABASE_URL": database_url(),
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_newsletter_worker", "--interval", "0.2"],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=20)


def wait_for_the_worker(timeout=120):
    """Until every confirmation email and every update has been sent (or `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (
        Subscriber.objects.exclude(mail_due="").exists()
        or Delivery.objects.filter(status=Delivery.Status.QUEUED).exists()
    ):
        time.sleep(0.2)


def test_signups_publishing_and_the_worker_at_once_all_succeed(
    committed_site, live_server, settings, worker
):
    settings.NEWSLETTER_SIGNUP_LIMIT = SIGNUPS * 2  # every sign-up comes from 127.0.0.1
    news_topic = Interest.objects.sources().get(slug="news-and-events")
    for number in range(20):  # readers of the news the editor sends while visitors sign up
        Subscriber.objects.create(
            email=f"reader{number}@example.org", status=Subscriber.Status.CONFIRMED
        ).interests.set([news_topic])
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "x" * 16)

    editor_outcomes = []
    editor_thread = threading.Thread(target=publish_pages, args=(editor, editor_outcomes))
    editor_thread.start()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        statuses = list(pool.map(lambda n: post_signup(live_server.url, n), range(SIGNUPS)))
    editor_thread.join(timeout=300)
    wait_for_the_worker()
    worker.terminate()
    _, worker_errors = worker.communicate(timeout=20)

    failed_signups = [status for status in statuses if status != 302]
    assert failed_signups == [], f"{len(failed_signups)} sign-ups failed: {set(failed_signups)}"
    emails = list(Subscriber.objects.filter(email__startswith="visitor").values_list("email"))
    assert sorted(emails) == sorted((f"visitor{n}@example.org",) for n in range(SIGNUPS))

    expected = {"autosave": 200, "publish": 302, "send": 302}
    unexpected = [
        (step, code) for step, code in editor_outcomes if code != expected.get(step.split()[0])
    ]
    assert unexpected == []
    assert len(editor_outcomes) == PAGES_PUBLISHED * 5
    assert DivisionPage.objects.live().filter(slug__startswith="concurrent-").count() == 4
    assert NewsPage.objects.live().filter(slug__startswith="concurrent-").count() == 4

    # The worker logs every failed pass (e.g. "Database unavailable: database is locked").
    assert "unavailable" not in worker_errors, worker_errors
    assert "Traceback" not in worker_errors, worker_errors
    assert not Subscriber.objects.exclude(mail_due="").exists()  # every sign-up got its email
    deliveries = Delivery.objects.filter(mailing__page__slug__startswith="concurrent-")
    assert deliveries.count() == PAGES_PUBLISHED * 20
    assert not deliveries.exclude(status=Delivery.Status.SENT).exists()
