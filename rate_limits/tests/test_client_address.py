"""Whose address counts: the rule of rate_limits/client_address.py, case by case. The same rule
under real gunicorn, for sign-ups and the admin lockout: tests/test_client_address_server.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from bostonems_site.settings.base import trusted_proxies
from rate_limits.client_address import client_ip

BALANCER = "10.0.0.5"


def address(remote_addr, forwarded_for=None, proxies=(BALANCER,)):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    with override_settings(TRUSTED_PROXIES=list(proxies)):
        return client_ip(RequestFactory().get("/", **headers))


def test_without_a_proxy_the_connection_is_the_client():
    assert address("203.0.113.7") == "203.0.113.7"
    assert address("203.0.113.7", proxies=()) == "203.0.113.7"


def test_no_header_is_believed_when_no_proxy_is_configured():
    assert address(BALANCER, "198.51.100.1", proxies=()) == BALANCER


def test_a_client_connecting_directly_cannot_name_another_address():
    # Not from our balancer: the header is the client's own writing.
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address("203.0.113.7", f"198.51.100.1, {BALANCER}") == "203.0.113.7"


def test_behind_the_balancer_the_address_it_saw_is_the_client():
    assert address(BALANCER, "203.0.113.7") == "203.0.113.7"


def test_forged_left_most_entries_are_ignored():
    # The client sent "X-Forwarded-For: 198.51.100.1, 192.0.2.9"; the balancer appended the
    # address it saw. Whatever the client writes, it is counted as itself.
    assert address(BALANCER, "198.51.100.1, 192.0.2.9, 203.0.113.7") == "203.0.113.7"
    assert address(BALANCER, f"{BALANCER}, 203.0.113.7") == "203.0.113.7"


def test_several_proxies_are_walked_from_the_right():
    proxies = ("10.0.0.0/8", "192.168.1.1")
    chain = "198.51.100.1, 203.0.113.7, 10.1.2.3, 192.168.1.1"  # forged, client, CDN, balancer
    assert address("10.9.9.9", chain, proxies) == "203.0.113.7"
    # A trusted network in the middle of untrusted entries ends nothing early.
    assert address("10.9.9.9", "203.0.113.7, 10.1.2.3", proxies) == "203.0.113.7"


def test_a_chain_of_only_proxies_gives_the_furthest_one():
    # e.g. a health check sent by one proxy through another.
    assert address(BALANCER, "10.0.0.6", proxies=("10.0.0.0/24",)) == "10.0.0.6"


def test_ipv6_clients_proxies_and_ports():
    proxies = ("2001:db8:ffff::/48", BALANCER)
    assert address("2001:db8:ffff::2", "2001:DB8:0:0::7", proxies) == "2001:db8::7"
    assert address("2001:db8:ffff::2", "[2001:db8::7]:51234", proxies) == "2001:db8::7"
    assert address(BALANCER, "203.0.113.7:51234", proxies) == "203.0.113.7"
    assert address("2001:db8:1::1", "203.0.113.7", proxies) == "2001:db8:1::1"  # not a proxy
    # A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 addresses.
    assert address(f"::ffff:{BALANCER}", "203.0.113.7", proxies) == "203.0.113.7"
    assert address("::ffff:203.0.113.7") == "203.0.113.7"


@pytest.mark.parametrize(
    "header",
    ["", " ", "unknown", "not-an-address", "203.0.113.7,", ",,", "203.0.113.999", "\x00" * 9],
)
def test_garbage_in_the_header_never_escapes_the_proxy_address(header):
    """A right-most entry that is not an address stops the walk at the proxy: such requests
    share the proxy's count rather than each getting a count of its own."""
    assert address(BALANCER, header) == BALANCER


def test_garbage_further_left_stops_at_the_last_real_address():
    assert address(BALANCER, "garbage, 203.0.113.7") == "203.0.113.7"
    proxies = ("10.0.0.0/8",)
    assert address("10.0.0.1", "203.0.113.7, garbage, 10.0.0.2", proxies) == "10.0.0.2"


def test_a_connection_without_an_ip_address_is_taken_as_given():
    assert address("", "203.0.113.7") == ""
    # A server that sets no REMOTE_ADDR at all.
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == ""


def test_a_proxy_that_sends_no_header_is_the_client():
    # e.g. the balancer's own health check.
    assert address(BALANCER) == BALANCER


@pytest.mark.parametrize(
    "entry",
    ["[2001:db8::7", "2001:db8::7]", "[2001:db8::7]]", "[2001:db8::7]:", "[2001:db8::7]x"],
)
def test_malformed_brackets_and_ports_are_garbage(entry):
    assert address(BALANCER, entry) == BALANCER
    assert address(BALANCER, f"{entry}:80") == BALANCER
    assert address(BALANCER, "203.0.113.7:80:80") == BALANCER
    assert address(BALANCER, "[203.0.113.7]:80") == "203.0.113.7"


@pytest.mark.parametrize(
    "value, networks",
    [
        ("none", []),
        ("NONE", []),
        ("10.0.0.5", ["10.0.0.5/32"]),
        (" 10.0.0.0/8 , 2001:db8::/32 ", ["10.0.0.0/8", "2001:db8::/32"]),
        ("10.1.2.3/8", ["10.0.0.0/8"]),
    ],
)
def test_the_setting_accepts_addresses_networks_and_none(value, networks):
    assert trusted_proxies(value) == networks


@pytest.mark.parametrize("value", ["10.0.0.300", "balancer.internal", "10.0.0.0/33"])
def test_a_mistyped_proxy_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_proxies(value)
