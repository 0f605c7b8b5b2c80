"""Test-session plumbing shared by every app: the real database check, a real browser, and
helpers to build published page trees."""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# The database content each test starts from (built once per session).
pytest_plugins = ["testing.database_content"]

IN_CI = os.environ.get("CI", "").lower() == "true"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls our browser tests
# make between page loads are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _database_vendor():
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else engine.rsplit(".", 1)[-1]


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or ''}" if db.get("HOST") else db["NAME"]
    return [f"database: {_database_vendor()} ({where})", f"CI: {IN_CI}"]


def pytest_sessionstart(session):
    if IN_CI and _database_vendor() != "postgresql":
        pytest.exit("CI=true but the test database is not PostgreSQL (set DATABASE_URL).", 2)
    _remove_stale_sqlite_journal(session)


def _remove_stale_sqlite_journal(session):
    """An interrupted run can leave the SQLite test database's write-ahead log behind. Django
    deletes and recreates only the database file, and SQLite would replay the old log into the
    new one, so the log goes first. With several workers each has its own database, named
    with the worker's id (".test-db_gw0.sqlite3"); this runs in each of them."""
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if _database_vendor() == "sqlite3" and test_name:
        root, extension = os.path.splitext(test_name)
        worker = getattr(session.config, "workerinput", {}).get("workerid")
        name = f"{root}_{worker}{extension}" if worker else test_name
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{name}{suffix}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """`make test` runs the suite on several workers (pytest-xdist, --dist loadgroup). The
    tests of a file that share a module-scoped fixture (a server stack, a PostgreSQL cluster)
    stay on one worker, so that the stack starts once, not once per worker. Tests that start
    the production setup (they need `collected_static`) are marked `servers`."""
    for item in items:
        if "collected_static" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.servers)
        definitions = getattr(item, "_fixtureinfo", None)
        if definitions and any(
            defs[-1].scope == "module" for defs in definitions.name2fixturedefs.values()
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session", autouse=True)
def _media_in_tmp(tmp_path_factory):
    """Files the seed and the tests upload (images, videos, captions) live for the whole session
    in a temporary MEDIA_ROOT, not in the project's media/; beside the kept database snapshots
    when there are (their rows name the seed's files: testing/database_content.py)."""
    from django.test import override_settings

    from testing.database_content import KEPT_SNAPSHOTS

    media = Path(KEPT_SNAPSHOTS, "media") if KEPT_SNAPSHOTS else tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)):
        yield


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: database rollbacks between tests don't purge them."""
    from testing.helpers import empty_caches

    empty_caches()
    yield
    empty_caches()


@pytest.fixture(autouse=True)
def _purges_inside_a_test_transaction_run_at_once(monkeypatch):
    """In production a change purges the page cache when it commits (page_cache/purge.py). Most
    tests run inside a transaction that is rolled back at the end and never commits, yet check
    what a visitor sees after an edit: there, the purge runs at the save. Tests with real
    commits (transactional_db, live servers) keep the real timing, and test it."""
    from django.db import connection

    from page_cache import purge

    purge_on_commit = purge._purge_on_commit

    def purge_now_inside_a_test_transaction(page_models, taken_down=()):
        blocks = connection.atomic_blocks
        if blocks and getattr(blocks[0], "_from_testcase", False):
            pending = purge.PendingPurge()
            pending.add(page_models, taken_down)
            pending()
        else:
            purge_on_commit(page_models, taken_down)

    monkeypatch.setattr(purge, "_purge_on_commit", purge_now_inside_a_test_transaction)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once per session, as a deployment does before starting gunicorn."""
    import subprocess
    import sys

    from testing.servers import production_env

    static_root = tmp_path_factory.mktemp("staticfiles")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=production_env("sqlite://:memory:", STATIC_ROOT=str(static_root)),
        check=True,
    )
    return static_root


def _chromium_path():
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((path for path in candidates if path and os.path.exists(path)), None)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        message = "Chromium not found (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"{message}: browser tests must run in CI.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=BROWSER_ARGS
        )
        yield chromium
        chromium.close()


# The seed content is built once per session and committed (see database_content.py); these
# fixtures name the state a test starts from, inside its own rolled-back transaction.


@pytest.fixture
def seeded_site(db):
    """The seed content as `make run` loads it, without the sample translations."""
    from bostonems_site.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture
def translated_site(db):
    """The full seed content including the sample Spanish translations."""
    from bostonems_site.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture
def live_site(transactional_db, live_server):
    """A live server (real HTTP, real database commits) with the seed content loaded."""
    yield live_server
    _wait_for_requests_in_flight(live_server)


def _wait_for_requests_in_flight(live_server, timeout=10):
    """The browser tab is closed by now, but the live server may still be answering what it
    asked for last (a service worker's precache, say) when the database is emptied for the next
    test. On PostgreSQL that empties tables with TRUNCATE, which can deadlock with a request
    holding its own locks, so the requests finish first. The server keeps its request threads
    in `_threads` (socketserver.ThreadingMixIn)."""
    for thread in list(getattr(live_server.thread.httpd, "_threads", ())):
        thread.join(timeout)
    # A request the tab sent as it closed may still reach the server after that: on PostgreSQL
    # its connection is ended too, so nothing is left holding locks when the tables are emptied.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def committed_site(transactional_db):
    """Seed content committed to the test database, visible to other processes (gunicorn)."""
    from bostonems_site.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture(params=["desktop", "mobile"])
def browser_page(request, browser):
    """A fresh Chromium tab at 1280 px (desktop) or 320 px (mobile) wide."""
    from testing.helpers import VIEWPORTS

    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()
