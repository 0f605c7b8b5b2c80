import datetime

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings

from bostonems_site.settings.base import shared_caches
from page_cache import backends
from page_cache.tests.faults import shared_cache_down
from rate_limits import counters

WINDOW = 600  # NEWSLETTER_SIGNUP_WINDOW


def _requests_allowed(count, address="203.0.113.7", limit=3):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    return [counters.allow(request, "signup", limit, WINDOW) for _ in range(count)]


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
        return [counters.allow(request, "signup", 3, 600) for _ in range(count)]

    assert signups("203.0.113.7", 4) == [True, True, True, False]
    assert signups("198.51.100.2", 1) == [True]  # another visitor, same balancer
    # A new made-up left-most entry on each request does not make a new visitor.
    assert signups("192.0.2.1, 203.0.113.7", 1) == [False]


def test_one_ipv6_line_is_one_client():
    """A subscriber line has a /64 of addresses to pick from at will."""
    assert _requests_allowed(3, address="2001:db8:1:2::1") == [True, True, True]
    assert _requests_allowed(1, address="2001:db8:1:2:ffff::9") == [False]
    assert _requests_allowed(1, address="2001:db8:1:3::1") == [True]


@pytest.fixture(params=["memory", "file"])
def counter_cache(request, tmp_path, monkeypatch):
    """The counters' cache as development and the tests have it (memory), and as a production
    node has it (the file cache), each checking on every write whether it is full: the worst
    case for culling."""
    monkeypatch.setattr(backends.AtomicFileCache, "CULL_CHECK_SECONDS", 0)
    monkeypatch.setattr(backends.CounterFileCache, "SWEEP_SECONDS", 0)
    url = "locmemcache://" if request.param == "memory" else f"filecache://{tmp_path / 'cache'}"
    with override_settings(CACHES=shared_caches(url)):
        yield


def test_a_thousand_other_clients_do_not_free_a_client_at_its_limit(counter_cache):
    assert _requests_allowed(4) == [True, True, True, False]
    for n in range(1000):
        assert _requests_allowed(1, address=f"198.51.{n // 256}.{n % 256}") == [True]
    assert _requests_allowed(1) == [False]


def test_counters_count_until_the_window_ends(counter_cache):
    """A client at its limit stays there until the window's last second, and may sign up again
    in the next window."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # a window starts
    assert start.timestamp() % WINDOW == 0
    with time_machine.travel(start, tick=False) as clock:
        assert _requests_allowed(4) == [True, True, True, False]
        clock.shift(WINDOW - 1)
        assert _requests_allowed(1) == [False]
        clock.shift(1)
        assert _requests_allowed(1) == [True]


def test_expired_counters_make_room(counter_cache):
    """What a full cache sheds: the counters of windows that have ended, never live ones."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)) as clock:
        for n in range(400):
            _requests_allowed(1, address=f"198.51.{n // 256}.{n % 256}")
        clock.shift(2 * WINDOW)
        assert _requests_allowed(4) == [True, True, True, False]
        for n in range(400):
            _requests_allowed(1, address=f"192.0.{n // 256}.{n % 256}")
        assert stored_counters() == 401


def stored_counters():
    real = caches["ratelimit"].real
    return len(real._cache) if hasattr(real, "_cache") else len(real._list_cache_files())


def test_a_client_without_an_ip_address_is_still_limited():
    # e.g. a server on a Unix socket that passes no address.
    assert _requests_allowed(4, address="") == [True, True, True, False]


def test_requests_about_one_address_are_limited_from_any_client():
    """The password-reset limit per email address: many clients cannot flood one inbox, and
    one address at its limit does not hold back another."""

    def reset(client, address):
        request = RequestFactory().post("/", REMOTE_ADDR=client)
        return counters.allow(request, "password-reset", 2, 3600, subject=address)

    clients = [f"198.51.100.{n}" for n in range(3)]
    assert [reset(client, "dispatch@example.org") for client in clients] == [True, True, False]
    assert reset(clients[2], "training@example.org") is True


@pytest.mark.parametrize("limit", [1, 3])
def test_a_counter_that_expires_between_its_add_and_its_increment_starts_again(monkeypatch, limit):
    """A counter can expire between add() (it exists) and incr() (it is gone): that request is
    the first of a new count, and the new count lasts to the end of the window."""
    cache = counters.caches["ratelimit"]
    incr = cache.incr
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert _requests_allowed(1, limit=limit) == [True]

        def expired_meanwhile(key, *args, **kwargs):
            cache.delete(key)
            monkeypatch.setattr(cache, "incr", incr)
            return incr(key, *args, **kwargs)

        monkeypatch.setattr(cache, "incr", expired_meanwhile)
        assert _requests_allowed(limit + 1, limit=limit) == [True] * limit + [False]
        clock.shift(WINDOW - 1)
        assert _requests_allowed(1, limit=limit) == [False]
