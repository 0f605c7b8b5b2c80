"""Settings shared by every environment. Values that differ per deployment come from the
environment (django-environ); dev.py, test.py and production.py only set what differs."""

from pathlib import Path

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "bostonems_site",
    "divisions",
    "media_library",
    "newsletter",
    "news",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a hit costs no SQL and skips every other middleware; stored responses already
    # carry the headers those added (HTTPS is enforced before anything is stored: see
    # bostonems_site/page_cache.py).
    "bostonems_site.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "bostonems_site.urls"
WSGI_APPLICATION = "bostonems_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# An embedded SQLite file unless DATABASE_URL points elsewhere (e.g. postgres://...).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Full-page cache for anonymous visitors (bostonems_site/page_cache.py): purged on every
# content change; s-maxage lets a CDN keep pages briefly too.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=60 * 60)
PAGE_CACHE_S_MAXAGE = env.int("PAGE_CACHE_S_MAXAGE", default=60)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Boston EMS <no-reply@boston.gov>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files served by whitenoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Complex page forms in the Wagtail editor exceed Django's default of 1000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Boston EMS"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Newsletter (issue 5): per-client sign-up limit, email link lifetimes, resend interval.
from datetime import timedelta  # noqa: E402

NEWSLETTER_SIGNUP_LIMIT = env.int("NEWSLETTER_SIGNUP_LIMIT", default=10)  # POSTs per window
NEWSLETTER_SIGNUP_WINDOW = 600  # seconds
NEWSLETTER_RESEND_INTERVAL = timedelta(minutes=10)  # at most one email per address
NEWSLETTER_CONFIRM_MAX_AGE = timedelta(days=7)
NEWSLETTER_PREFERENCES_MAX_AGE = timedelta(days=60)
NEWSLETTER_UNSUBSCRIBE_MAX_AGE = timedelta(days=730)  # one-click links in update emails
# The request.META key holding the visitor's IP. Behind a reverse proxy that overwrites a
# header (e.g. nginx "X-Real-IP"), set NEWSLETTER_CLIENT_IP_HEADER=HTTP_X_REAL_IP.
NEWSLETTER_CLIENT_IP_HEADER = env("NEWSLETTER_CLIENT_IP_HEADER", default="REMOTE_ADDR")
# A mail server that hangs must not hang the visitor's request (the email is retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Sending updates to subscribers (issue 8). A news page's kind decides the topic (interest
# slug) it goes to. The newsletter backend is a database queue worked by
# `manage.py db_worker --backend newsletter`; Wagtail's own small tasks run immediately.
NEWSLETTER_KIND_INTERESTS = {
    "news": "news-and-events",
    "event": "news-and-events",
    "career": "career-and-training-opportunities",
    "training": "career-and-training-opportunities",
}
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "newsletter": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# --- Video gallery (media_library) ---
# Uploaded videos live in wagtailmedia's library (admin: Media). Only formats every current
# browser plays natively; captions are WebVTT files in the documents library.
INSTALLED_APPS += ["wagtailmedia"]
WAGTAILMEDIA = {"VIDEO_EXTENSIONS": ["mp4", "m4v", "webm"]}
WAGTAILDOCS_EXTENSIONS = [*WAGTAILDOCS_EXTENSIONS, "vtt"]
