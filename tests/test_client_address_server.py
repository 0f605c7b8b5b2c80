"""Visitors behind a load balancer, under real gunicorn with production settings: each has its own
sign-up limit and admin lockout, and what a visitor writes in X-Forwarded-For neither escapes a
limit nor locks anyone else out.

The test plays the balancer: it connects from 127.0.0.1 (TRUSTED_PROXIES) and appends the
visitor's address to X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does; whatever
stands to its left is what the visitor sent. A visitor connecting from 127.0.0.2, which is not a
proxy, is counted by its own address whatever header it sends. (The same through a real nginx is
in the deployment topology's tests.) The rule itself, case by case: test_client_address.py."""

import http.client
import urllib.parse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from wagtail.test.utils.form_data import querydict_from_html

from testing.servers import gunicorn

SIGNUP_LIMIT = 3
LOCKOUT_AFTER = 3
ALICE, BOB = "203.0.113.10", "203.0.113.20"


@pytest.fixture(scope="module")
def server(tmp_path_factory, collected_static, database_content):
    """Two workers sharing a file cache, as on one production node."""
    cache = tmp_path_factory.mktemp("client-address-cache")
    with gunicorn(
        collected_static,
        workers=2,
        TRUSTED_PROXIES="127.0.0.1",
        CACHE_URL=f"filecache://{cache}",
        NEWSLETTER_SIGNUP_LIMIT=str(SIGNUP_LIMIT),
        AXES_FAILURE_LIMIT=str(LOCKOUT_AFTER),
    ) as base_url:
        yield base_url


def sign_up(base_url, visitor_header=None, source="127.0.0.1"):
    """POST an (empty, so invalid: nothing is stored) sign-up form; the status tells whether
    the limit let it through (400) or not (429)."""
    netloc = urllib.parse.urlsplit(base_url).netloc
    host, port = netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    headers = {
        "Host": netloc,
        "Origin": base_url,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if visitor_header is not None:
        headers["X-Forwarded-For"] = visitor_header
    try:
        connection.request("POST", "/newsletter/signup/", body="", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_each_visitor_behind_the_balancer_has_a_sign_up_limit_of_its_own(server, committed_site):
    assert [sign_up(server, ALICE) for _ in range(SIGNUP_LIMIT + 1)] == [400] * SIGNUP_LIMIT + [429]
    # Bob, behind the same balancer, is not held back by Alice.
    assert sign_up(server, BOB) == 400
    # Alice makes up a new left-most address on each try, or claims to be Bob: still Alice.
    forged = [f"198.51.100.{n}, {ALICE}" for n in range(5)] + [f"{BOB}, {ALICE}"] * 3
    assert [sign_up(server, header) for header in forged] == [429] * len(forged)
    # ...and none of that was counted against Bob.
    remaining = SIGNUP_LIMIT - 1
    assert [sign_up(server, BOB) for _ in range(remaining + 1)] == [400] * remaining + [429]


def test_a_visitor_not_behind_the_balancer_cannot_name_its_address(server, committed_site):
    """Connecting directly from 127.0.0.2, which is not a trusted proxy: the header is ignored,
    so a new header on each request gets no new limit."""
    statuses = [
        sign_up(server, f"198.51.100.{n}", source="127.0.0.2") for n in range(SIGNUP_LIMIT + 2)
    ]
    assert statuses == [400] * SIGNUP_LIMIT + [429, 429]
    assert sign_up(server, "203.0.113.99") == 400  # a visitor behind the balancer is unaffected


class Browser:
    """One visitor's browser behind the balancer: cookies, and the balancer's header."""

    def __init__(self, base_url, forwarded_for):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = forwarded_for

    def sign_in(self, username, password):
        """The status of the sign-in: 302 signed in, 200 wrong password, 429 locked out."""
        login_url = self.base_url + "/admin/login/"
        form = querydict_from_html(
            self.session.get(login_url).text, form_index=0, exclude_csrf=False
        )
        form.update({"username": username, "password": password})
        response = self.session.post(
            login_url, data=form, headers={"Referer": login_url}, allow_redirects=False
        )
        return response.status_code


def test_wrong_passwords_lock_out_only_the_visitor_who_sent_them(server, committed_site):
    password = "a long moderator password"
    moderator = get_user_model().objects.create_superuser("moderator", "mod@example.org")
    # Hashed the way production settings verify it (tests use a fast hasher of their own).
    moderator.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    moderator.save()

    # Alice claims to be Bob, hoping to lock the moderator (Bob) out.
    alice = Browser(server, f"{BOB}, {ALICE}")
    statuses = [alice.sign_in("moderator", "guess") for _ in range(LOCKOUT_AFTER)]
    assert statuses == [200] * (LOCKOUT_AFTER - 1) + [429]
    # Alice is locked out whatever she writes, even with the right password...
    assert Browser(server, f"198.51.100.7, {ALICE}").sign_in("moderator", password) == 429
    assert Browser(server, ALICE).sign_in("moderator", password) == 429
    # ...and the moderator, at Bob's address behind the same balancer, signs in.
    assert Browser(server, BOB).sign_in("moderator", password) == 302
