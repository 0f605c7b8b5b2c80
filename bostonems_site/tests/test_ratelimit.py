from django.core.cache import cache
from django.test import RequestFactory, override_settings

from bostonems_site import ratelimit
from page_cache.tests.faults import shared_cache_down


def _requests_allowed(count, address="203.0.113.7"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    return [ratelimit.allow(request, "signup", 3, 600) for _ in range(count)]


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


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_the_balancer_each_visitor_has_a_limit_of_its_own():
    def signups(forwarded_for, count):
        request = RequestFactory().post(
            "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for
        )
        return [ratelimit.allow(request, "signup", 3, 600) for _ in range(count)]

    assert signups("203.0.113.7", 4) == [True, True, True, False]
    assert signups("198.51.100.2", 1) == [True]  # another visitor, same balancer
    # A new made-up left-most entry on each request does not make a new visitor.
    assert signups("192.0.2.1, 203.0.113.7", 1) == [False]


def test_one_ipv6_line_is_one_client():
    """A subscriber line has a /64 of addresses to pick from at will."""
    assert _requests_allowed(3, address="2001:db8:1:2::1") == [True, True, True]
    assert _requests_allowed(1, address="2001:db8:1:2:ffff::9") == [False]
    assert _requests_allowed(1, address="2001:db8:1:3::1") == [True]
