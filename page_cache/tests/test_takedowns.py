"""A take-down wins over every cache, on real servers: gunicorn with production settings (two
workers, the production re-render interval), the file cache and Redis, a PostgreSQL that is
stopped right after the editors' actions.

One stack per module: a throwaway PostgreSQL (never the test database: it is stopped here), one
gunicorn per shared cache over it. Each cache gets its own news items, one per kind of take-down;
every item is viewed until each worker holds it (stored, and kept in the worker's memory), then
taken down in one editor's session per cache, as the admin does it (Wagtail's page actions, the
scheduled-publishing command for the expiry). Then bursts of 40 requests at once per item: with
the database down, once it is back, and 6 s later. None may show the old page (its text, in a
200): a 404, the login page or password form, a redirect or a 503 are all right.
"""

import contextlib
import http.client
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from testing.servers import (
    ROOT,
    Gunicorn,
    PostgreSQL,
    Redis,
    migrate,
    production_env,
    server_or_skip,
)

TAKE_DOWNS = ["unpublish", "delete", "password", "login", "expiry", "slug"]
BURST = 40
LATER_SECONDS = 6


def shell(env, code):
    """Run `code` in `manage.py shell` with the environment `env` (an editor's session on a node
    of that cache); returns the process, not waiting for it."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(*processes):
    for process in processes:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output


def old_text(cache_name, kind):
    return f"Retracted notice {cache_name} {kind} with a wrong phone number"


SET_UP = """
    from bostonems_site.seed import ensure_child, ensure_home
    from news.models import NewsIndexPage, NewsPage
    from news.seed import _body

    home = ensure_home()
    index = ensure_child(home, NewsIndexPage, "news", title="News & Events")[0]
    for cache_name in {caches!r}:
        for kind in {kinds!r}:
            text = "Retracted notice %s %s with a wrong phone number" % (cache_name, kind)
            ensure_child(
                index, NewsPage, "%s-%s" % (cache_name, kind), title="Notice",
                summary="A notice.", body=_body(text),
            )
"""

TAKE_DOWN = """
    import datetime

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import PageViewRestriction

    from news.models import NewsPage

    def item(kind):
        return NewsPage.objects.get(slug="{cache_name}-" + kind)

    item("unpublish").unpublish()
    item("delete").delete()
    PageViewRestriction.objects.create(
        page=item("password"), restriction_type="password", password="s3cret-word"
    )
    PageViewRestriction.objects.create(page=item("login"), restriction_type="login")
    renamed = item("slug")
    renamed.slug = "{cache_name}-renamed"
    renamed.save_revision().publish()
    # Its expiry date came (set behind the cache's back), and the scheduled-publishing command
    # run by cron does what the expiry means.
    NewsPage.objects.filter(pk=item("expiry").pk).update(
        expire_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("publish_scheduled")
"""


@pytest.fixture(scope="module")
def nodes(collected_static, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("takedowns")
    with contextlib.ExitStack() as stack:
        postgres = stack.enter_context(server_or_skip(PostgreSQL))
        redis = stack.enter_context(server_or_skip(Redis))
        caches = {"file": f"filecache://{workdir / 'cache'}", "redis": redis.url}
        envs = {
            name: production_env(
                postgres.url,
                CACHE_URL=url,
                STATIC_ROOT=str(collected_static),
                MEDIA_ROOT=str(workdir / "media"),
            )
            for name, url in caches.items()
        }
        migrate(postgres, envs["file"])
        finish(shell(envs["file"], SET_UP.format(caches=list(caches), kinds=TAKE_DOWNS)))
        servers = {
            name: stack.enter_context(Gunicorn(env, workers=2, log_dir=workdir))
            for name, env in envs.items()
        }
        yield SimpleNamespace(postgres=postgres, envs=envs, servers=servers)


def get(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return SimpleNamespace(
            status=response.status, cache=response.getheader("X-Cache"), body=body
        )
    finally:
        connection.close()


def burst(server, path, count=BURST):
    """`count` GET requests to `path` at the same time."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: get(server, path), range(count)))


def item_path(cache_name, kind):
    return f"/news/{cache_name}-{kind}/"


def every_item(nodes):
    return [(name, server, kind) for name, server in nodes.servers.items() for kind in TAKE_DOWNS]


def old_pages_served(nodes):
    """{(cache, take-down): how many of a burst of 40 got the old page}, every item's burst
    sent at once per node (the nodes in parallel)."""

    def node_bursts(name, server):
        shown = {}
        for kind in TAKE_DOWNS:
            responses = burst(server, item_path(name, kind))
            old = [r for r in responses if r.status == 200 and old_text(name, kind) in r.body]
            if old:
                shown[(name, kind)] = f"{len(old)} ({sorted({r.cache for r in old})})"
        return shown

    with ThreadPoolExecutor(max_workers=len(nodes.servers)) as pool:
        found = pool.map(lambda item: node_bursts(*item), nodes.servers.items())
    return {key: value for shown in found for key, value in shown.items()}


def test_what_editors_take_down_is_never_served_again(nodes):
    # Visitors read every item; each worker ends up holding it (shared cache and memory).
    for name, server, kind in every_item(nodes):
        path = item_path(name, kind)
        assert old_text(name, kind) in get(server, path).body
        responses = burst(server, path, count=8)
        assert {r.status for r in responses} == {200}
        assert "HIT" in {r.cache for r in responses}

    # Editors take them down, one session per cache; the database then goes away.
    finish(*(shell(env, TAKE_DOWN.format(cache_name=name)) for name, env in nodes.envs.items()))
    nodes.postgres.stop(mode="immediate")
    try:
        during_outage = old_pages_served(nodes)
    finally:
        nodes.postgres.start()
    for server in nodes.servers.values():
        deadline = time.monotonic() + 60
        while '"database": "ok"' not in get(server, "/healthz").body:
            assert time.monotonic() < deadline, "the database did not come back"
            time.sleep(0.2)
    right_after = old_pages_served(nodes)
    time.sleep(LATER_SECONDS)
    later = old_pages_served(nodes)

    assert (during_outage, right_after, later) == ({}, {}, {})
    # The items are really gone for visitors, and the renamed one lives at its new address.
    for name, server in nodes.servers.items():
        assert get(server, f"/news/{name}-unpublish/").status == 404
        assert get(server, f"/news/{name}-login/").status == 302
        assert old_text(name, "slug") in get(server, f"/news/{name}-renamed/").body
