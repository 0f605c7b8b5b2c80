"""The fault suite: the production setup with real dependencies, each one broken in turn while
visitors keep coming. Every case asserts what a visitor gets (status codes, Retry-After, the
cache state) and that nothing is lost (every sign-up stored or clearly refused, every email sent
exactly once).

One stack per module, started once: its own PostgreSQL cluster (never the test database's,
which the suite itself runs on and which must survive a stop), Redis as the shared cache, a
real SMTP listener (testing/mail_server.py: a black hole or a working sink,
switched while the worker runs), gunicorn with production settings and the newsletter worker
as its own process, as `make run` and systemd run it. The cases run in file order and share the
warm cache; each leaves the stack healthy for the next. Nothing here talks to Django in-process:
the database is checked with plain SQL, pages over HTTP.

`pytest -m faults` runs only this suite. In CI every dependency must be there (a failure,
never a skip); locally it is skipped where PostgreSQL or Redis is not installed.
"""

import contextlib
import http.client
import json
import re
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import psycopg2
import pytest

from testing.mail_server import MailServer
from testing.servers import (
    ROOT,
    Gunicorn,
    PostgreSQL,
    Redis,
    env_for_test_server,
    migrate,
    server_or_skip,
)

pytestmark = pytest.mark.faults

SIGNUP_URL = "/newsletter/signup/"
# Generous functional bound, not a benchmark: a worker stuck on the mail server would take the
# whole EMAIL_TIMEOUT (10 s in production) or longer.
ANSWERS_PROMPTLY_SECONDS = 1.0
POLL_SECONDS = 60


def manage(env, *args):
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def stack(collected_static, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("faults")
    with contextlib.ExitStack() as stack:
        postgres = stack.enter_context(server_or_skip(PostgreSQL, durable=True))
        redis = stack.enter_context(server_or_skip(Redis))
        mail = stack.enter_context(MailServer())
        env = env_for_test_server(
            postgres.url,
            CACHE_URL=redis.url,
            EMAIL_URL=mail.url,
            EMAIL_TIMEOUT="1",
            # Persistent connections, as docs/deployment.md recommends: they must survive a
            # database restart too.
            CONN_MAX_AGE="60",
            STATIC_ROOT=str(collected_static),
            MEDIA_ROOT=str(workdir / "media"),
            NEWSLETTER_SIGNUP_LIMIT="1000",  # every sign-up here comes from 127.0.0.1
        )
        migrate(postgres, env)
        manage(env, "load_seed_content")
        web = stack.enter_context(Gunicorn(env, workers=2, log_dir=workdir))
        worker_log = workdir / "worker.log"
        with open(worker_log, "w") as log:
            worker = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "manage.py",
                    "run_newsletter_worker",
                    "--interval",
                    "0.2",
                    "--max-delay",
                    "2",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        stack.callback(stop_process, worker)
        yield SimpleNamespace(
            postgres=postgres,
            redis=redis,
            mail=mail,
            web=web,
            web_pid=web.pid,
            worker=worker,
            worker_log=worker_log,
            env=env,
        )


def stop_process(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Visitors, over HTTP -----------------------------------------------------------------------


def request(stack, method, path, body=None, headers=None):
    """(status, headers, body) from gunicorn; redirects are answers, not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.web.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def get(stack, path):
    status, response, body = request(stack, "GET", path)
    return SimpleNamespace(
        status=status,
        cache=response.getheader("X-Cache"),
        retry_after=response.getheader("Retry-After"),
        body=body.decode("utf-8", "replace"),
    )


def sign_up(stack, email):
    """A visitor's sign-up form POST from the home page; returns the status and Retry-After."""
    form = urllib.parse.urlencode(
        {"email": email, "interests": "news-and-events", "source": "/", "website": ""}
    )
    status, response, _ = request(
        stack,
        "POST",
        SIGNUP_URL,
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": stack.web.base_url,
        },
    )
    return status, response.getheader("Retry-After")


def visit_at_once(stack, paths):
    """The statuses of GET requests to `paths`, sent at the same time."""
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(lambda path: get(stack, path).status, paths))


def all_workers_found_redis_again(stack):
    """Every worker that lost the shared cache found it again, for pages ('default') and for the
    generation ('purges'): each alias retries on its own, and a worker bumps the generation when
    'purges' answers it again, which would make a page stored before that a miss."""
    log = stack.web.log_path.read_text()
    return all(
        log.count(f"Cache '{alias}' unavailable") == log.count(f"Cache '{alias}' answers again")
        for alias in ("default", "purges")
    )


def health(stack):
    status, _, body = request(stack, "GET", "/healthz")
    return status, json.loads(body)


def timed(call, *args):
    started = time.monotonic()
    result = call(*args)
    return result, time.monotonic() - started


# --- The database and the mail server, as they are -----------------------------------------


def query(stack, sql, *params):
    with (
        contextlib.closing(psycopg2.connect(stack.postgres.url)) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
        return cursor.fetchall()


def subscribers(stack, *emails):
    """{email: mail still due} for the stored subscribers among `emails` (compared as the
    database folds case)."""
    rows = query(
        stack,
        "SELECT email, mail_due FROM newsletter_subscriber WHERE lower(email) = ANY(%s)",
        [email.lower() for email in emails],
    )
    return dict(rows)


def wait_until(condition, what, seconds=POLL_SECONDS):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still not {what} after {seconds} s")
        time.sleep(0.1)
    return result


def wait_for_the_worker_to_send(stack, *emails):
    """Until the worker has marked every email of these subscribers sent (it marks in the same
    transaction as it sends, so nothing is sent for them after this)."""
    wait_until(
        lambda: (rows := subscribers(stack, *emails)) and not any(rows.values()),
        "sent by the worker",
    )


def messages_to(stack, address):
    return stack.mail.recipients().count(address)


def assert_still_running(stack):
    assert stack.web.running and stack.web.pid == stack.web_pid, "gunicorn was restarted"
    assert stack.worker.poll() is None, stack.worker_log.read_text()[-3000:]


def publish(stack, slug):
    """An editor publishes a new revision of the English page `slug` (Wagtail's revision API,
    in its own process): every stored page becomes a stale copy."""
    manage(
        stack.env,
        "shell",
        "-c",
        "from wagtail.models import Page\n"
        f"page = Page.objects.get(slug='{slug}', locale__language_code='en').specific\n"
        "page.save_revision().publish()",
    )


# --- The cases, in the order they run --------------------------------------------------------


def site_urls(stack):
    """Every page in the sitemap (every language) and every other endpoint a visitor reaches."""
    sitemap = get(stack, "/sitemap.xml")
    assert sitemap.status == 200
    pages = {
        urllib.parse.urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.body)
    }
    assert len(pages) > 10
    return sorted(pages) + [
        SIGNUP_URL,
        "/newsletter/check-your-email/",
        "/search/",
        "/healthz",
        "/robots.txt",
        "/.well-known/security.txt",
        "/admin/login/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize(
    "charset, body",
    [
        ("utf-16", "email=user@example.org".encode("utf-16")),
        ("iso-8859-1", "email=caf\xe9@example.org".encode("iso-8859-1")),
        ("shift_jis", "email=\u30e6\u30fc\u30b6@example.org".encode("shift_jis")),
    ],
    ids=["utf-16", "iso-8859-1", "shift_jis"],
)
def test_a_body_in_another_charset_gets_a_4xx_on_every_url(stack, charset, body):
    headers = {
        "Content-Type": f"application/x-www-form-urlencoded; charset={charset}",
        "Origin": stack.web.base_url,
        # With a CSRF cookie, Django's CSRF check reads the body to find the token.
        "Cookie": "csrftoken=" + "a" * 32,
    }
    statuses = {path: request(stack, "POST", path, body, headers)[0] for path in site_urls(stack)}
    assert {path: s for path, s in statuses.items() if not 400 <= s < 500} == {}
    assert subscribers(stack, "user@example.org", "caf\xe9@example.org") == {}


def test_addresses_are_refused_or_folded_into_one_subscriber(stack):
    for hidden in ("user@example.com\u202e", "user@example.com\ufffd"):
        assert sign_up(stack, hidden)[0] == 400
    assert (
        query(stack, "SELECT email FROM newsletter_subscriber WHERE email LIKE 'user@ex%%'") == []
    )

    assert sign_up(stack, "user@bücher.example")[0] == 302
    assert sign_up(stack, "user@xn--bcher-kva.example")[0] == 302
    one = "user@xn--bcher-kva.example"
    assert list(subscribers(stack, one, "user@bücher.example")) == [one]
    wait_for_the_worker_to_send(stack, one)
    assert messages_to(stack, one) == 1


def test_a_mail_server_that_never_answers_delays_email_not_visitors(stack):
    assert get(stack, "/").status == 200  # cached, if not already
    stack.mail.black_hole = True
    held = len(stack.mail.accepted)
    emails = [f"black-hole-{n}@example.org" for n in range(5)]
    for email in emails:
        (status, _), seconds = timed(sign_up, stack, email)
        assert status == 302
        assert seconds < ANSWERS_PROMPTLY_SECONDS
    wait_until(lambda: len(stack.mail.accepted) > held, "trying the mail server")

    # The worker is waiting on the mail server; visitors are not.
    page, seconds = timed(get, stack, "/")
    assert (page.status, page.cache) == (200, "HIT")
    assert seconds < ANSWERS_PROMPTLY_SECONDS
    assert set(subscribers(stack, *emails)) == set(emails)  # stored, email still due
    assert all(subscribers(stack, *emails).values())

    stack.mail.black_hole = False
    wait_for_the_worker_to_send(stack, *emails)
    assert [messages_to(stack, email) for email in emails] == [1] * 5
    assert_still_running(stack)


def test_redis_stopped_and_restarted(stack):
    stack.redis.stop()
    for path in ("/", "/divisions/"):
        assert get(stack, path).status == 200
    status, state = health(stack)
    assert (status, state["status"], state["cache"]) == (200, "degraded", "unavailable")
    assert sign_up(stack, "redis-down@example.org")[0] == 302

    stack.redis.start()
    wait_until(lambda: health(stack)[1]["cache"] == "ok", "using Redis again")
    status, state = health(stack)
    assert (status, state["status"], state["database"]) == (200, "ok", "ok")
    # Each gunicorn worker that saw the outage purges once when it finds Redis again, on its
    # first request after its next retry (publishes during the outage reached it alone).
    # Searches at once (rendered, not stored) until every such worker has logged its return.
    wait_until(
        lambda: (
            set(visit_at_once(stack, ["/search/?q=ems"] * 6)) == {200}
            and all_workers_found_redis_again(stack)
        ),
        "back on Redis in every worker",
    )
    assert get(stack, "/divisions/").status == 200
    assert get(stack, "/divisions/").cache == "HIT"  # stored in Redis again
    wait_for_the_worker_to_send(stack, "redis-down@example.org")
    assert messages_to(stack, "redis-down@example.org") == 1
    assert_still_running(stack)


def test_postgresql_stopped_and_started(stack):
    stale, cached, never_cached = "/divisions/", "/divisions/field-operations/", "/videos/"
    assert get(stack, stale).status == 200
    publish(stack, "fleet-services")  # the stored copy of `stale` is now old
    assert get(stack, cached).status == 200
    assert get(stack, cached).cache == "HIT"
    # An email queued before the outage, the worker trying to send it when the database goes.
    stack.mail.black_hole = True
    held = len(stack.mail.accepted)
    assert sign_up(stack, "queued@example.org")[0] == 302
    wait_until(lambda: len(stack.mail.accepted) > held, "trying the mail server")

    stack.postgres.stop(mode="immediate")
    stack.mail.black_hole = False
    try:
        page = get(stack, cached)
        assert (page.status, page.cache) == (200, "HIT"), stack.web.log_path.read_text()[-4000:]
        page = get(stack, stale)
        assert (page.status, page.cache) == (200, "STALE")
        page = get(stack, never_cached)
        assert page.status == 503
        assert int(page.retry_after) > 0
        assert sign_up(stack, "during-outage@example.org") == (503, "60")
        status, state = health(stack)
        assert (status, state["status"], state["database"]) == (200, "degraded", "unavailable")
        wait_until(
            lambda: "Database unavailable" in stack.worker_log.read_text(),
            "told by the worker that the database is down",
        )
        assert_still_running(stack)
    finally:
        stack.postgres.start()

    # Recovery, with the same gunicorn and worker processes; connections the restart broke are
    # replaced before use (CONN_HEALTH_CHECKS), so no visitor gets an error once it answers.
    wait_until(lambda: health(stack)[1]["database"] == "ok", "using the database again")
    assert set(visit_at_once(stack, [stale, cached, never_cached, "/search/?q=ems"] * 3)) == {200}
    assert health(stack)[1]["status"] == "ok"
    assert sign_up(stack, "after-outage@example.org")[0] == 302
    wait_for_the_worker_to_send(stack, "queued@example.org", "after-outage@example.org")
    assert subscribers(stack, "during-outage@example.org") == {}  # refused, not half-stored
    assert messages_to(stack, "queued@example.org") == 1
    assert messages_to(stack, "after-outage@example.org") == 1
    assert_still_running(stack)
