from django.core.cache import cache
from django.test import RequestFactory

from page_cache.tests.faults import shared_cache_down
from rate_limits import counters


def _requests_allowed(count, address="203.0.113.7"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    return [counters.allow(request, "signup", 3, 600) for _ in range(count)]


def test_the_limit_holds_and_is_per_client():
    assert _requests_allowed(4) == [True, True, True, False]
    assert _requests_allowed(1, address="198.51.100.2") == [True]


def test_a_flood_of_stored_pages_cannot_reset_the_counters():
    _requests_allowed(3)
    cache.clear()  # what the file cache's random culling does to the page cache at worst
    assert _requests_allowed(1) == [False]


def test_the_limit_still_holds_while_the_shared_cache_is_down():
    with shared_cache_down():
        assert _requests_allowed(4) == [True, True, True, False]
