"""Anonymous traffic cannot fill the page cache or lose its generation, and a shared cache that
refuses writes degrades like one that is gone.

The flood runs in-process (Django's test client) on the production cache setup (the file cache
with its purges alias, settings' shared_caches): the point is what enters the cache, not HTTP.
"""

import os

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from bostonems_site.settings.base import shared_caches
from news.models import NewsIndexPage
from page_cache.content_generation import GENERATION_KEY, PURGES_CACHE
from testing.helpers import empty_caches
from testing.servers import Redis, free_port, server_or_skip

pytestmark = pytest.mark.django_db

# Pages a visitor reads, warmed first; each must still be a HIT after the flood.
PAGES = ["/", "/news/", "/videos/", "/divisions/", "/search/", "/robots.txt"]
FLOOD = 5000


def stored_entries(folder):
    """The entries a file cache holds (its lock file aside)."""
    if not os.path.isdir(folder):
        return set()
    return {name for name in os.listdir(folder) if name.endswith(".djcache")}


def flood_requests():
    """FLOOD requests, each with a value never used before: page numbers, search texts and
    Host ports, mostly on the cheap crawler file, the rest on each view that reads a parameter
    (the news listing, the gallery, the search page) and on pages that read none."""
    readers = ["/news/", "/videos/", "/search/", "/divisions/", "/"]
    for n in range(FLOOD):
        # Every 50th request renders a page (each view and value kind is still met 6 times
        # or more): a render costs twenty times the crawler file.
        path = readers[n // 50 % len(readers)] if n % 50 == 0 else "/robots.txt"
        variant = (n // 250) % 3 if n % 50 == 0 else n % 3
        if variant == 0:
            yield path, {"page": str(n + 2)}, {}
        elif variant == 1:
            yield path, {"q": f"flood {n}"}, {}
        else:
            yield path, {}, {"HTTP_HOST": f"testserver:{1024 + n}"}


def test_a_flood_of_made_up_values_adds_no_entries_and_every_page_stays_a_hit(
    seeded_site, tmp_path
):
    location = tmp_path / "cache"
    with override_settings(CACHES=shared_caches(f"filecache://{location}")):
        empty_caches()
        client = Client(raise_request_exception=False)
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        assert {client.get(path)["X-Cache"] for path in PAGES} == {"HIT"}
        before = stored_entries(location)
        generation = caches[PURGES_CACHE].get(GENERATION_KEY)

        statuses = set()
        for path, query, extra in flood_requests():
            statuses.add(client.get(path, query, **extra).status_code)

        assert statuses <= {200, 302, 404}
        assert stored_entries(location) - before == set()
        assert caches[PURGES_CACHE].get(GENERATION_KEY) == generation
        assert {path: client.get(path)["X-Cache"] for path in PAGES} == dict.fromkeys(PAGES, "HIT")
        empty_caches()


def test_page_numbers_are_stored_only_as_the_links_spell_them(client, seeded_site):
    news = NewsIndexPage.objects.get(locale__language_code="en").url
    assert client.get(news + "?page=1")["X-Cache"] == "MISS"
    assert client.get(news + "?page=1")["X-Cache"] == "HIT"
    other_spelling = client.get(news + "?page=01")
    assert (other_spelling.status_code, other_spelling["Location"]) == (302, news + "?page=1")
    assert client.get(news + "?page=2").status_code == 404  # past the end
    assert client.get(news + "?kind=nonsense").status_code == 404
    # A parameter the page does not read is answered (not redirected), never stored; even
    # an empty one.
    for query in ("?page=3", "?page=3", "?page=", "?page="):
        response = client.get("/divisions/" + query)
        assert response.status_code == 200, query
        assert "X-Cache" not in response, query
    # Any port reaches the same stored page.
    assert client.get(news + "?page=1", HTTP_HOST="testserver:8443")["X-Cache"] == "HIT"


# --- Redis refusing writes ----------------------------------------------------------------------


@pytest.fixture
def redis(tmp_path):
    with server_or_skip(Redis) as server, override_settings(CACHES=shared_caches(server.url)):
        empty_caches()
        yield server
        empty_caches()


def redis_command(server, *args):
    import redis as redis_py

    return redis_py.Redis(host="127.0.0.1", port=server.port).execute_command(*args)


def sign_up(client, email):
    return client.post(
        "/newsletter/signup/",
        {"email": email, "interests": "news-and-events", "source": "/", "website": ""},
        HTTP_ORIGIN="http://testserver",
    )


@pytest.mark.parametrize("refusal", ["OOM", "READONLY"])
def test_a_redis_that_refuses_writes_degrades_and_health_says_so(
    seeded_site, redis, refusal, monkeypatch
):
    from page_cache import backends

    client = Client(raise_request_exception=False)
    assert client.get("/divisions/").status_code == 200
    assert client.get("/healthz").json()["cache"] == "ok"
    dead_port = free_port()  # nobody listens there
    if refusal == "OOM":
        redis_command(redis, "CONFIG", "SET", "maxmemory-policy", "noeviction")
        redis_command(redis, "CONFIG", "SET", "maxmemory", "1")
    else:  # a replica that lost its primary: reads work, writes answer READONLY
        redis_command(redis, "REPLICAOF", "127.0.0.1", str(dead_port))
    try:
        for path in ("/", "/news/", "/videos/", "/divisions/"):
            assert client.get(path).status_code == 200, path
        assert sign_up(client, f"{refusal.lower()}@example.org").status_code == 302
        health = client.get("/healthz")
        assert health.status_code == 200
        assert (health.json()["status"], health.json()["cache"]) == ("degraded", "unavailable")
    finally:
        redis_command(redis, "REPLICAOF", "NO", "ONE")
        redis_command(redis, "CONFIG", "SET", "maxmemory", "0")
    monkeypatch.setattr(backends, "RETRY_SECONDS", 0)
    assert client.get("/healthz").json()["cache"] == "ok"
    assert client.get("/divisions/").status_code == 200
