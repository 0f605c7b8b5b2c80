"""The visitor's IP address: one rule for everything that counts or locks out per client (the
sign-up and password-reset limits in rate_limits/counters.py, django-axes' admin lockout).

Behind a load balancer every connection comes from the balancer, so REMOTE_ADDR alone makes all
visitors one client: one visitor's sign-ups would answer 429 to everyone, and five wrong
passwords from anyone would lock a named moderator out. The balancer says who connected to it
in `X-Forwarded-For`, appending that address to whatever the request already carried. Only the
entries our own proxies appended can be believed; everything to their left was written by the
client and may be forged (a client rotating a made-up left-most entry would get a fresh limit
on each request, or lock someone else out).

So the header is read only when the connection comes from a proxy listed in TRUSTED_PROXIES
(addresses or networks, IPv4 and IPv6; empty: no proxy, the header is ignored), and walked from
the right: each entry is the address that connected to the proxy on its right; the first one
that is not one of our proxies is the client. An entry that is not an IP address stops the
walk, and the last address reached (the proxy nearest to it) stands for the client: requests
with a garbled chain share one count rather than escaping every count.
"""

import functools
import ipaddress
import re

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client that sent `request`, as a normalised string."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    nearest = _address(remote_addr)
    if nearest is None:
        return remote_addr  # not an IP connection (e.g. a Unix socket): the server's word
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_proxy(nearest, proxies):
        return str(nearest)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break
        nearest = address
        if not _is_proxy(address, proxies):
            break
    return str(nearest)


# An address with a port, as some proxies write it: "[2001:db8::7]:443", "203.0.113.7:4711".
WITH_PORT = re.compile(r"\[(?P<bracketed>[^\]]*)\](?::\d+)?|(?P<ipv4>[\d.]+):\d+")


def _address(text):
    """An ip_address from a header entry or REMOTE_ADDR, or None. Accepts the forms proxies
    write: "203.0.113.7", "2001:db8::7", with a port ("203.0.113.7:4711", "[2001:db8::7]:443");
    an IPv4 address mapped into IPv6 (a dual-stack socket) is the IPv4 address."""
    text = text.strip()
    with_port = WITH_PORT.fullmatch(text)
    if with_port:
        text = with_port["bracketed"] or with_port["ipv4"]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_proxy(address, proxies):
    return any(address in network for network in proxies)


@functools.lru_cache(maxsize=8)
def _networks(entries):
    # Validated when the settings load (settings/base.py's trusted_proxies); parsed once here.
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
