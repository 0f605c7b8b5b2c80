"""Tests: real database from DATABASE_URL (PostgreSQL in CI), mail kept in memory."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, STORAGES

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# A file, not SQLite's in-memory default, so real server processes (gunicorn in the cache and
# header tests) can share the test database. PostgreSQL needs nothing special.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# Tests check what visitors see right after a change, seconds after the page was first
# rendered: no wait before re-rendering (page_cache/tests has the test of that wait).
PAGE_CACHE_RERENDER_INTERVAL = 0

# The outgoing mail server is the one thing we fake: messages land in django.core.mail.outbox.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No collectstatic before tests: serve files straight from static/ without the manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# django-axes refuses logins without a request (Django's test client `login()` passes none);
# the lockout tests switch it on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
