"""CPU time per uncached render, in-process: a steadier figure than `make bench` on a shared,
loaded machine, because time.process_time counts only this process's CPU, not the waiting.

Production settings with the full-page cache off (PAGE_CACHE_ENABLED=False), SQLite and the
file cache, each page type rendered through django.test.Client. The first render of each page
warms the template loader and the rendition cache and is not counted.

    .venv/bin/python scripts/profile_render.py [--renders 30] [--factor 10] [--workdir DIR]

The work directory keeps the database, media and cache between runs (`--workdir`), so a
before/after comparison measures the same content; it is seeded once (seed content, then the
×10 variant when --factor is given). Requests/s for 2 sync workers on 2 cores ≈ 2000 / ms.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("home page", "/"),
    ("division index", "/divisions/"),
    ("division page", "/divisions/field-operations/"),
    ("video gallery", "/videos/"),
    ("video page", None),  # the gallery's first video
    ("news index", "/news/"),
    ("news item", None),  # the news index's first item
    ("sign-up page", "/sign-up/"),
    ("Spanish home page", "/es/"),
]


def configure(workdir):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="False",
        TRUSTED_PROXIES="none",
        PAGE_CACHE_ENABLED="False",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        CACHE_URL=f"filecache://{workdir / 'cache'}",
    )


def seed(workdir, factor):
    from django.core.management import call_command

    # Collected each time: templates may reference new static files since the last run.
    call_command("collectstatic", "--noinput", verbosity=0)
    marker = workdir / f"seeded-x{factor}"
    if marker.exists():
        return
    call_command("migrate", verbosity=0)
    call_command("load_seed_content")
    if factor > 1:
        call_command("load_bench_content", "--factor", str(factor))
    marker.touch()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def first_link(client, index_path, prefix):
    import re

    html = client.get(index_path).content.decode()
    return next(
        link
        for link in re.findall(r'href="(/[^"#?]+/)"', html)
        if link.startswith(prefix) and link != prefix and not link.endswith(("/feed/", "/atom/"))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="profile-render-"))
    workdir.mkdir(parents=True, exist_ok=True)
    configure(workdir)

    import django

    django.setup()
    seed(workdir, args.factor)

    from django.db import connection
    from django.test import Client

    client = Client()
    found = {
        "video page": lambda: first_link(client, "/videos/", "/videos/"),
        "news item": lambda: first_link(client, "/news/", "/news/"),
    }
    print(f"{args.renders} renders per page, production settings, PAGE_CACHE_ENABLED=False")
    print("| page | path | CPU ms per render | ≈ req/s, 2 workers on 2 cores | SQL queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, path in PAGES:
        path = path or found[name]()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        # A counter, not CaptureQueriesContext: each request's start clears the query log.
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(path)
        started = time.process_time()
        for _ in range(args.renders):
            client.get(path)
        ms = (time.process_time() - started) * 1000 / args.renders
        print(f"| {name} | {path} | {ms:.1f} | {2000 / ms:.0f} | {counter.count} |")
    print(f"(work directory: {workdir})")


if __name__ == "__main__":
    main()
