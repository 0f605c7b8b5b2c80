"""A small per-client rate limiter (newsletter sign-up, admin password reset).

Counters live in their own cache alias, "ratelimit" (settings/base.py's `shared_caches`): shared
by all app servers when CACHE_URL points at Redis, and never evicted by stored pages. When that
cache is unreachable its fail-soft wrapper counts in each worker's memory, so the limit still
holds per worker (at most workers × limit per window) instead of failing the request.

The client is the address the function named by RATE_LIMITS_CLIENT_IP gives (the site's
rate_limits/client_address.py: behind a load balancer, the visitor's, taken only from what our
own proxies wrote), or its /64 network for IPv6. It is
identified by a salted HMAC of that address (salted with SECRET_KEY), stored only as part of a
cache key that expires with the time window. No IP address is written to the database or to
the logs.
"""

import contextlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string


def client_key(request):
    address = import_string(settings.RATE_LIMITS_CLIENT_IP)(request)
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(address).version == 6:
            # One IPv6 subscriber line has a /64 (or more) to pick addresses from at will.
            address = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return salted_hmac("newsletter.ratelimit", address).hexdigest()


def allow(request, scope, limit, window, subject=None):
    """Count this request; False once the client made more than `limit` in the window.
    With `subject` (e.g. an email address), count requests about that subject from any client
    instead."""
    counters = caches["ratelimit"]
    who = client_key(request) if subject is None else salted_hmac(scope, subject).hexdigest()
    key = f"ratelimit:{scope}:{who}:{int(time.time() // window)}"
    # Written after the window started, a counter kept `window` seconds outlives it; the next
    # window counts under a new key.
    if counters.add(key, 1, timeout=window):
        return True
    try:
        count = counters.incr(key)
    except ValueError:  # expired between add() and incr()
        counters.set(key, 1, timeout=window)
        count = 1
    return count <= limit
