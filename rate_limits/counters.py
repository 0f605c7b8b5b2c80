"""A small per-client rate limiter (newsletter sign-up, admin password reset).

Counters live in their own cache alias, "ratelimit" (settings/base.py's `shared_caches`): shared
by all app servers when CACHE_URL points at Redis, and never evicted by stored pages. When that
cache is unreachable its fail-soft wrapper counts in each worker's memory, so the limit still
holds per worker (at most workers × limit per window) instead of failing the request.

The client is identified by a salted HMAC of its IP address (salted with SECRET_KEY), stored
only as part of a cache key that expires with the time window. No IP address is written to the
database or to the logs.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac


def client_key(request):
    header = settings.NEWSLETTER_CLIENT_IP_HEADER
    address = request.META.get(header, "") or request.META.get("REMOTE_ADDR", "")
    # With a proxy chain ("client, proxy1"), the proxy-written header's first entry is the
    # client; only configure such a header when your proxy overwrites it.
    address = address.split(",")[0].strip()
    return salted_hmac("newsletter.ratelimit", address).hexdigest()[:32]


def allow(request, scope, limit, window, subject=None):
    """Count this request; False once the client made more than `limit` in the window.
    With `subject` (e.g. an email address), count requests about that subject from any client
    instead."""
    counters = caches["ratelimit"]
    who = client_key(request) if subject is None else salted_hmac(scope, subject).hexdigest()[:32]
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{who}:{bucket}"
    if counters.add(key, 1, timeout=window + 5):
        return True
    try:
        count = counters.incr(key)
    except ValueError:  # expired between add() and incr()
        counters.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
