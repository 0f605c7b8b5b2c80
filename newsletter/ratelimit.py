"""A small per-client rate limiter kept in Django's cache (shared by all app servers when
CACHE_URL points at Redis).

The client is identified by a salted HMAC of its IP address (salted with SECRET_KEY), stored
only as part of a cache key that expires with the time window. No IP address is written to the
database or to the logs.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_key(request):
    header = settings.NEWSLETTER_CLIENT_IP_HEADER
    address = request.META.get(header, "") or request.META.get("REMOTE_ADDR", "")
    # With a proxy chain ("client, proxy1"), the proxy-written header's first entry is the
    # client; only configure such a header when your proxy overwrites it.
    address = address.split(",")[0].strip()
    return salted_hmac("newsletter.ratelimit", address).hexdigest()[:32]


def allow(request, scope, limit, window):
    """Count this request; False once the client made more than `limit` in the window."""
    bucket = int(time.time() // window)
    key = f"newsletter:ratelimit:{scope}:{client_key(request)}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
