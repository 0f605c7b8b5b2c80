"""Settings shared by every environment. Values that differ per deployment come from the
environment (django-environ); dev.py, test.py and production.py only set what differs.

Grouped by concern; each value is set once. Security settings live here rather than in
production.py so that development and the test suite run under the same policy as production;
production.py adds only the HTTPS-only settings (HSTS, secure cookies, SSL redirect)."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import django.conf.locale
import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

# --- Applications --------------------------------------------------------------------------
# Our apps come first so their templates and static files win. load_seed_content seeds them in
# this order: an app whose sample content links to another's comes after it.
INSTALLED_APPS = [
    # The core: configuration, the home page, site settings, shared blocks and helpers.
    "bostonems_site",
    # Cross-cutting concerns, each in its own app.
    "page_cache",
    "site_alerts",
    # Content.
    "divisions",
    "media_library",
    "newsletter",
    "news",
    "standard_pages",
    "search",
    # Life-saving guidance, the text-only site (/lite/) and offline reading; links to divisions.
    "guidance",
    # Content health: review dates and owners' reminders, clinical sign-off, page feedback.
    "content_health",
    # Wagtail.
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
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Background tasks (see TASKS).
    "django_tasks",
    # The video library (admin: Media).
    "wagtailmedia",
    # Content-Security-Policy and the admin sign-in lockout.
    "csp",
    "axes",
    # Translating pages and snippets.
    "wagtail_localize",
    "wagtail_localize.locales",
]

MIDDLEWARE = [
    # First: a hit costs no SQL and skips every other middleware; stored responses already
    # carry the headers those added. A hit never skips the HTTPS redirect: the cache key
    # includes the scheme and plain-HTTP requests are redirected (a 301 is never stored).
    "page_cache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL prefix only (never Accept-Language or a cookie), so one
    # URL always renders one language and the page cache keeps languages apart. Before
    # CommonMiddleware, which resolves URLs (APPEND_SLASH) against the per-language patterns.
    "bostonems_site.i18n.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The Wagtail site of a page request, kept per content generation (page_cache/fragments.py).
    "page_cache.fragments.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "bostonems_site.middleware.ContentSecurityPolicyMiddleware",
    "bostonems_site.middleware.PermissionsPolicyMiddleware",
    # django-axes watches admin logins; it must come last.
    "axes.middleware.AxesMiddleware",
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
                "bostonems_site.context_processors.site_text",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------------------
# An embedded SQLite file unless DATABASE_URL points elsewhere (e.g. postgres://...).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before a request reuses it: after a database restart it is dead,
# and without the check the first request on each worker would get a 503.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite (`make run`, `make serve`, local tests) has editors saving, visitors signing up and the
# newsletter worker writing at the same moment. With Django's defaults a transaction starts as a
# reader and fails at once with "database is locked" when it tries to write while another
# connection holds the lock. IMMEDIATE takes the write lock at BEGIN, where SQLite waits up to
# "timeout" seconds for it; write-ahead logging lets pages be read during a write, and
# synchronous=NORMAL (SQLite's advice with WAL) skips a disk flush per commit: a power cut may
# lose the last commits but never corrupts the file.
# PostgreSQL, the production database, needs none of this.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Shared cache, full-page cache, rate-limit counters --------------------------------------


def shared_caches(cache_url):
    """CACHES for CACHE_URL: pages and everything else in "default", rate-limit counters in
    "ratelimit" (RATELIMIT_CACHE_URL, by default beside the pages but apart from them, so that
    storing pages never evicts a counter: the file cache culls at random when full). Both fail
    soft when the backend is unreachable (page_cache/backends.py)."""
    default = env.cache_url_config(cache_url)
    ratelimit = env.cache_url_config(env("RATELIMIT_CACHE_URL", default=cache_url))
    if ratelimit == default:
        if default["BACKEND"].endswith("FileBasedCache"):
            ratelimit["LOCATION"] = f"{default['LOCATION'].rstrip('/')}-ratelimit"
        elif default["BACKEND"].endswith("LocMemCache"):
            ratelimit["LOCATION"] = "ratelimit"
        else:
            ratelimit["KEY_PREFIX"] = "ratelimit"
    if default["BACKEND"].endswith("FileBasedCache"):
        # Django's default of 300 files is fewer than the pages × languages this site has.
        default.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
    for config in (default, ratelimit):
        if config["BACKEND"].endswith("FileBasedCache"):
            # add() and incr() are locks and counters here: they must be atomic.
            config["BACKEND"] = "page_cache.backends.AtomicFileCache"
    # Counters are never culled before their window ends (Redis never culls by count).
    ratelimit["BACKEND"] = {
        "page_cache.backends.AtomicFileCache": "page_cache.backends.CounterFileCache",
        "django.core.cache.backends.locmem.LocMemCache": "page_cache.backends.CounterMemoryCache",
    }.get(ratelimit["BACKEND"], ratelimit["BACKEND"])
    return {
        "default": fail_soft(default, "default"),
        "ratelimit": fail_soft(
            ratelimit, "ratelimit", fallback="page_cache.backends.CounterMemoryCache"
        ),
        "purges": fail_soft(purges_cache(default), "purges"),
        # Wagtail looks image renditions up here before the database, and writes every one it
        # found back on each render (Wagtail 8 does not mark cache hits as such): with the file
        # cache that was a file rewrite per image per render. Per-process memory makes those
        # writes cheap, and is always right: a rendition's key carries the image's file hash,
        # focal point and filter, so an edited image gets new keys instead of stale entries.
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "renditions",
            "TIMEOUT": 60 * 60,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }


def purges_cache(default):
    """The content generation and the page cache's take-down records
    (page_cache/content_generation.py): beside the pages but apart from them, with no
    culling, so that a cache full of pages never loses them. A handful of keys, written only by
    editors' changes."""
    purges = {**default, "OPTIONS": dict(default.get("OPTIONS", {}))}
    if default["BACKEND"].endswith(("FileBasedCache", "FileCache", "LocMemCache")):
        purges["OPTIONS"]["MAX_ENTRIES"] = 1_000_000  # never reached: never culled
        purges["LOCATION"] = f"{default['LOCATION'].rstrip('/')}-purges"
    else:  # Redis: its eviction policy spares keys without expiry (docs/deployment.md)
        purges["KEY_PREFIX"] = "purges"
    return purges


def fail_soft(config, alias, fallback="django.core.cache.backends.locmem.LocMemCache"):
    options = {
        "BACKEND": config["BACKEND"],
        "ALIAS": alias,
        "REAL_OPTIONS": config.get("OPTIONS", {}),
        "FALLBACK": fallback,
    }
    return {**config, "BACKEND": "page_cache.backends.FailSoftCache", "OPTIONS": options}


CACHES = shared_caches(env("CACHE_URL", default="locmemcache://"))

# Full-page cache for anonymous visitors (page_cache/middleware.py): purged on every content
# change; s-maxage lets a CDN keep pages briefly too. A page is fresh for PAGE_CACHE_TIMEOUT
# after it was stored (or until the next purge); the last copy is kept PAGE_CACHE_STALE_TIMEOUT
# to be served while one request renders the new one (at most PAGE_CACHE_REVALIDATE_SECONDS)
# and while the database is unreachable. Only the query parameters listed here reach a page's
# cache key; others are ignored (a page never reads them), so they cannot flood the cache.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=60 * 60)
PAGE_CACHE_STALE_TIMEOUT = env.int("PAGE_CACHE_STALE_TIMEOUT", default=7 * 24 * 60 * 60)
PAGE_CACHE_REVALIDATE_SECONDS = 10
# A page is rendered again at most this often, however often content changes: publishes in a
# row are shown together, the last one at most this many seconds late. 5 s is also how long a
# stale page may wait for its node's render slot (half of PAGE_CACHE_REVALIDATE_SECONDS), so
# the staleness bound stays about 5 s.
PAGE_CACHE_RERENDER_INTERVAL = env.int("PAGE_CACHE_RERENDER_INTERVAL", default=5)
PAGE_CACHE_S_MAXAGE = env.int("PAGE_CACHE_S_MAXAGE", default=60)
PAGE_CACHE_QUERY_PARAMETERS = ["page", "kind", "division", "p", "q"]
PAGE_CACHE_DATABASE_UNAVAILABLE_VIEW = "bostonems_site.views.service_unavailable"

# Admin "forgot password" emails: at most this many requests per client, and per address,
# per window (rate_limits/counters.py).
ADMIN_PASSWORD_RESET_LIMIT = env.int("ADMIN_PASSWORD_RESET_LIMIT", default=5)
ADMIN_PASSWORD_RESET_WINDOW = 60 * 60  # seconds


# Wagtail's own small background tasks run immediately. Newsletter emails are queued in the
# newsletter's own tables and sent by `manage.py run_newsletter_worker` (newsletter/worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Files ---------------------------------------------------------------------------------
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# The site serves uploaded files itself (bostonems_site.views.media_file) unless they live in
# object storage; production turns this off when a bucket is configured.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files served by whitenoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Complex page forms in the Wagtail editor exceed Django's default of 1000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail -------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Boston EMS"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# "vtt": video captions are WebVTT files in the documents library.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "vtt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
# Uploaded videos, in formats every current browser plays natively (the site has no audio).
# The upload form reads length, size and a still frame from the file with FFmpeg when
# installed (media_library/video_upload.py).
WAGTAILMEDIA = {
    "VIDEO_EXTENSIONS": ["mp4", "m4v", "webm"],
    "MEDIA_FORM_BASE": "media_library.video_upload.VideoUploadForm",
}
# An upload the file storage refuses is a form error (bostonems_site/image_forms.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "bostonems_site.image_forms.ImageForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail would otherwise load editors' avatars from gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Languages -----------------------------------------------------------------------------
# English is the source locale; pages in other languages live under their prefix (/es/...).
# Add or remove a language here (and run `load_seed_content` or create the locale under
# Settings > Locales) to offer it to editors.
LANGUAGE_CODE = "en"
USE_I18N = True
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("ht", "Kreyòl ayisyen"),
    ("zh-hans", "简体中文"),
    ("vi", "Tiếng Việt"),
    ("kea", "Kabuverdianu"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("fr", "Français"),
    ("so", "Soomaali"),
]
# Django has no locale data for some of these: teach it their names and text direction.
EXTRA_LANG_INFO = {
    "ht": {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"},
    "kea": {
        "bidi": False,
        "code": "kea",
        "name": "Cabo Verdean Creole",
        "name_local": "Kabuverdianu",
    },
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}
django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_TZ = True

# --- Email ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Boston EMS <no-reply@boston.gov>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that hangs must not hang the visitor's request (the email is retried later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Content health -------------------------------------------------------------------------
# "Was this page helpful?" answers per client per window (rate_limits/counters.py).
PAGE_FEEDBACK_LIMIT = env.int("PAGE_FEEDBACK_LIMIT", default=20)
PAGE_FEEDBACK_WINDOW = 60 * 60  # seconds
# The link checker (content_health/link_health.py): per request, per host, redirects.
LINK_CHECK_TIMEOUT = env.float("LINK_CHECK_TIMEOUT", default=10.0)  # seconds
LINK_CHECK_HOST_INTERVAL = env.float("LINK_CHECK_HOST_INTERVAL", default=1.0)  # seconds
LINK_CHECK_MAX_REDIRECTS = 5
LINK_CHECK_USER_AGENT = "BostonEMS-link-checker/1.0"

# --- Newsletter ----------------------------------------------------------------------------
# Per-client sign-up limit, email link lifetimes, resend interval. Which topic a news page is
# sent to is edited in the admin (each topic's "sends" field), not here.
# The main menu ends with this page type as a button (named, not imported: the core imports no
# content app).
MAIN_MENU_BUTTON_PAGE_TYPE = "newsletter.NewsletterSignupPage"
NEWSLETTER_SIGNUP_LIMIT = env.int("NEWSLETTER_SIGNUP_LIMIT", default=10)  # POSTs per window
NEWSLETTER_SIGNUP_WINDOW = 600  # seconds
NEWSLETTER_RESEND_INTERVAL = timedelta(minutes=10)  # at most one email per address
NEWSLETTER_EMAILS_PER_DAY = 3  # and at most this many per address in 24 hours
NEWSLETTER_CONFIRM_MAX_AGE = timedelta(days=7)
NEWSLETTER_PREFERENCES_MAX_AGE = timedelta(days=60)
NEWSLETTER_UNSUBSCRIBE_MAX_AGE = timedelta(days=730)  # one-click links in update emails

# --- The visitor's address behind proxies -----------------------------------------------------


def trusted_proxies(value):
    """TRUSTED_PROXIES: the load balancers and proxies in front of the app servers, whose
    X-Forwarded-For is believed (rate_limits/client_address.py), as comma-separated
    addresses or networks ("10.0.0.0/8, 2001:db8::/32"); "none" (or empty) when clients connect
    directly. A typo must not silently trust nobody, or everybody: it stops the start."""
    if value.strip().lower() == "none":
        return []
    networks = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(see docs/configuration.md)."
            ) from None
    return networks


TRUSTED_PROXIES = trusted_proxies(env("TRUSTED_PROXIES", default="none"))
# A message the mail server refuses for now (4xx: greylisting, a full mailbox) is tried again
# after this delay, doubling after each refusal (2, 4, 8 ... minutes), at most
# NEWSLETTER_MAIL_MAX_TRIES times in all (about 4 hours); then it counts as failed. A 5xx
# refusal fails the message at once. Neither holds up the other emails.
NEWSLETTER_MAIL_RETRY_DELAY = timedelta(minutes=2)
NEWSLETTER_MAIL_MAX_TRIES = 8
# The one function that gives the visitor's address: the rate limits (infrastructure, which
# imports nothing of ours) and django-axes are told to use it.
RATE_LIMITS_CLIENT_IP = "rate_limits.client_address.client_ip"

# --- Security headers ----------------------------------------------------------------------
# Public pages: only this origin, no inline script or style, and the two video players' frames
# (loaded only after a visitor presses play). Templates may use request.csp_nonce for an
# unavoidable inline <script>; JSON-LD data blocks are not executed, so they need none.
VIDEO_PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The service worker (/sw.js) that keeps the life-saving pages readable offline.
        "worker-src": ["'self'"],
        "frame-src": VIDEO_PLAYER_ORIGINS,
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The Wagtail admin (and the page previews it frames) inserts inline scripts and styles from
# its own HTML fragments, shows data:/blob: images and frames previews: it gets this relaxed
# policy, still same-origin only (no nonce here: a nonce would disable 'unsafe-inline').
# See bostonems_site/middleware.py.
ADMIN_URL_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "frame-src": ["'self'", *VIDEO_PLAYER_ORIGINS],
    "frame-ancestors": ["'self'"],
    "worker-src": ["'self'", "blob:"],
}
# Browser features no page of ours uses; the video players keep fullscreen and autoplay.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
# Nothing frames public pages; Wagtail's preview view sets SAMEORIGIN for itself.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# /healthz asks the apps concerned (the core imports no app): whether the page cache holds
# pages to serve, and the state of the newsletter's mail queue.
HEALTH_PAGES_STORED = "page_cache.middleware.pages_are_stored"
HEALTH_MAIL_QUEUE_STATE = "newsletter.health.mail_queue_state"

# /.well-known/security.txt stays valid this many days after each request (RFC 9116).
SECURITY_TXT_EXPIRES_DAYS = 180

# --- Admin sign-in -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that pair is
# locked out for AXES_COOLOFF_MINUTES (a friendly page, HTTP 429).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the visitor's, not the load balancer's (rate_limits/client_address.py).
AXES_CLIENT_IP_CALLABLE = RATE_LIMITS_CLIENT_IP
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_RESET_ON_SUCCESS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Translations go through moderation ---
# wagtail-localize's default publishes a new translation of a live page at once ("Translate
# this page → Submit"), whatever the translator's role. Off: a translation starts as a draft
# and goes live only when someone who may publish publishes it, or a moderator approves it
# (bostonems_site/translation_moderation.py, docs/translators.md).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# --- Alerts for partners' systems (site_alerts/cap.py) ---------------------------------------
# Every site alert is also published as Common Alerting Protocol 1.2 messages. The sender
# identifies the department to partners (IPAWS, Google Public Alerts): keep it stable.
CAP_SENDER = env("CAP_SENDER", default="ems@boston.gov")
CAP_AREA_DESCRIPTION = "City of Boston"
# SAME code of Suffolk County, Massachusetts (FIPS 25025), the smallest code covering Boston.
CAP_GEOCODES = [("SAME", "025025")]

# --- Offline reading (guidance/views.py, templates/guidance/sw.js) ----------------------------
# The kill switch: False serves a worker that deletes its stored pages and unregisters itself
# in every browser at its next visit (docs/operations.md).
SERVICE_WORKER_ENABLED = env.bool("SERVICE_WORKER_ENABLED", default=True)

# --- Private documents ---
# Every document goes through Wagtail's document view, which applies its collection's privacy
# (Settings → Collections → Privacy), with any storage: never a redirect to the file's own
# address, which anyone holding it could open. /media/documents/ is not served
# (bostonems_site/views.py media_file; a front server serving /media/ must leave it out too).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
