"""Test-session plumbing shared by every app: the real database check, a real browser, and
helpers to build published page trees."""

import os
import shutil

import pytest
from django.conf import settings

# Fixtures for real server processes (gunicorn, Redis) live beside their helpers.
pytest_plugins = ["bostonems_site.tests.servers"]

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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: database rollbacks between tests don't purge it."""
    from django.core.cache import cache

    from page_cache.middleware import local_entries

    cache.clear()
    local_entries.clear()
    yield
    cache.clear()
    local_entries.clear()


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


def _load_seed_content(translations=False):
    """The seed content; the sample translations only when a test asks for them,
    so that other tests can look pages up by slug."""
    from io import StringIO

    from django.core.management import call_command

    options = {} if translations else {"without_translations": True}
    call_command("load_seed_content", stdout=StringIO(), **options)


@pytest.fixture
def seeded_site(db):
    """The full seed content, exactly as `make run` loads it."""
    from bostonems_site.models import HomePage

    _load_seed_content()
    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture
def translated_site(db):
    """The full seed content including the sample Spanish translations."""
    from bostonems_site.models import HomePage

    _load_seed_content(translations=True)
    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture
def live_site(transactional_db, live_server):
    """A live server (real HTTP, real database commits) with the seed content loaded."""
    _load_seed_content()
    return live_server


@pytest.fixture
def committed_site(transactional_db):
    """Seed content committed to the test database, visible to other processes (gunicorn)."""
    from bostonems_site.models import HomePage

    _load_seed_content()
    return HomePage.objects.get(locale__language_code="en")


@pytest.fixture(params=["desktop", "mobile"])
def browser_page(request, browser):
    """A fresh Chromium tab at 1280 px (desktop) or 320 px (mobile) wide."""
    from bostonems_site.tests.helpers import VIEWPORTS

    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()
