"""Production: everything comes from the environment; refuses to start without secrets."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env, shared_caches

DEBUG = env.bool("DEBUG", default=False)


def _required(name, value):
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment for production settings "
            f"(see docs/configuration.md)."
        )
    return value


SECRET_KEY = _required("SECRET_KEY", env("SECRET_KEY", default=""))
# Earlier keys, still accepted when checking signatures (sessions, password reset and the
# newsletter's links, including two-year unsubscribe links) while new ones use SECRET_KEY:
# rotate by moving the old key here (docs/deployment.md#rotating-the-secret-key).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))
# Whether a load balancer stands in front decides whose address the sign-up limits and the admin
# lockout count (settings/base.py): a default would be wrong for one setup or the other, so it
# is stated, "none" when clients connect directly.
_required("TRUSTED_PROXIES", env("TRUSTED_PROXIES", default=""))


def _site_address(value):
    """The public address every emailed link starts with (unsubscribe links included): no
    fallback to a local address, which would put dead links into subscribers' mailboxes."""
    parts = urlsplit(_required("WAGTAILADMIN_BASE_URL", value))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "WAGTAILADMIN_BASE_URL must be the site's public address, such as "
            f"https://www.boston.gov (got {value!r}; see docs/configuration.md)."
        )
    return value.rstrip("/")


WAGTAILADMIN_BASE_URL = _site_address(env("WAGTAILADMIN_BASE_URL", default=""))

# Connections kept between requests: opening one costs a new PostgreSQL backend process and a
# login, per request, which on a cache miss was a good part of the render's cost. A connection
# left dead by a database restart is noticed by CONN_HEALTH_CHECKS (settings/base.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

# A cache shared by every gunicorn worker on the node; point CACHE_URL at Redis for several nodes.
CACHES = shared_caches(env("CACHE_URL", default=f"filecache://{BASE_DIR / '.cache' / 'django'}"))

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload lets browsers use HTTPS even on the first visit; `check --deploy` asks for it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True

# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Plain HTTP is only acceptable on loopback (`make serve`): there, and only there, the
# HTTPS-only deploy checks are silenced so `check --deploy` still guards everything else.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if not SECURE_SSL_REDIRECT and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W012", "security.W016"]

LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405

# Several app servers: uploaded media go to S3-compatible object storage when a bucket is set,
# so every node serves the same files (docs/deployment.md).
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# The caches in front of the app: nginx's micro-cache (FRONT_CACHE_PURGE_URLS, the purge
# endpoint of each front server, comma-separated: deploy/nginx/bostonems.conf) and optionally a
# CDN (FRONTEND_CACHE_PURGE_URL, Varnish/Fastly-style, or Cloudflare). page_cache/front_server.py
# purges them through Wagtail's frontend-cache backends when a change commits. Wagtail's own
# frontend_cache app is not installed: its signal handlers purge inside the publishing
# transaction, before the change is visible, and only on publish and unpublish.
WAGTAILFRONTENDCACHE = {
    f"front-server-{number}": {
        "BACKEND": "page_cache.front_server.NginxPurgeBackend",
        "LOCATION": location,
    }
    for number, location in enumerate(env.list("FRONT_CACHE_PURGE_URLS", default=[]))
}
if env("FRONTEND_CACHE_PURGE_URL", default=""):
    WAGTAILFRONTENDCACHE["cdn"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
    }
elif env("CLOUDFLARE_ZONE_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_BEARER_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }
# Each translation is a page of its own with its own address: purging a page purges that one,
# not the same path under every language prefix.
WAGTAILFRONTENDCACHE_LANGUAGES = []
