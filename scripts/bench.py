"""`make bench`: measure the production setup on this machine.

Uses DATABASE_URL when set, else starts a throwaway PostgreSQL. Starts Redis when available
(else a file cache) as the shared cache, gunicorn with production settings twice
(page cache on, and off for the uncached figures), loads seed content, then drives each URL
with wrk over loopback: requests/s, p50/p99 latency and errors, cached and uncached, beside a
static CSS file through the same server. Then the ×10 content variant, memory per worker,
a 60 s soak at 64 connections, publishing during a surge (64 connections spread over every
page type while an editor publishes every PUBLISH_INTERVAL seconds, beside the same run without
publishes) and an urgent alert switched on during a surge (how soon every page shows it).
Prints a Markdown report, each section once, as it is measured.
`python scripts/bench.py surge` runs only the surges and the cached/static baseline (seed
content), for a quick look.
`python scripts/bench.py compare REV` (`make bench BENCH=compare REV=<commit>`) measures every
page type uncached beside the commit REV, side by side in one run, then the surge, for a change
that must not make pages slower.
`python scripts/bench.py nginx` only the figures through nginx (the shipped configuration in
front of two nodes: cached pages against a static file of the same size, and the surge), with
the seed content.
The servers come from testing/servers.py, shared with the test suite.
"""

import concurrent.futures
import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from testing.servers import (  # noqa: E402
    Gunicorn,
    PostgreSQL,
    Redis,
    nginx_missing,
    rotating_paths_script,
)
from testing.servers import wrk as run_wrk  # noqa: E402
from testing.topology import Topology, unverified_tls  # noqa: E402

PYTHON = sys.executable
# Every public page type; None: the address of the first live page of that model.
PAGES = {
    "home page": "/",
    "division page": "/divisions/field-operations/",
    "division index": "/divisions/",
    "video gallery": "/videos/",
    "video page": "videopage",
    "news index": "/news/",
    "news item": "newspage",
    "sign-up page": "/sign-up/",
    "Spanish home page": "/es/",
    "text-only site": "/lite/",
}
RUN_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# Each surge run lasts 20 s by default: ten publishes, rather than five in a 10 s run.
SURGE_SECONDS = int(os.environ.get("BENCH_SURGE_SECONDS", "20"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
# gunicorn's own advice: 2 × cores + 1 sync workers, so one waiting on the cache or the
# database never leaves a core idle.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Uncached pages are measured on 2 workers, the setting of the target: a miss costs CPU, and
# every page type must still serve UNCACHED_TARGET requests/s.
UNCACHED_WORKERS = 2
# gunicorn workers per node behind nginx: two nodes share these cores, and nginx answers most
# requests itself.
NODE_WORKERS = int(os.environ.get("BENCH_NODE_WORKERS", "2"))
UNCACHED_TARGET = 100
PUBLISH_INTERVAL = 2  # seconds between publishes in the surge
# The moderator of the urgent-alert surge: switches one urgent alert on or off, as saving it in
# the admin does, when told to (a line on stdin), in its own process.
ALERT_SWITCH = """
import sys
from wagtail.models import Locale
from site_alerts.models import SiteAlert
print("ready", flush=True)
for line in sys.stdin:
    title, on = line.rstrip("\\n").rsplit(" ", 1)
    locale = Locale.get_default()
    alert = SiteAlert.objects.filter(locale=locale, title=title).first()
    alert = alert or SiteAlert(locale=locale, title=title, message="Avoid the area.")
    alert.level, alert.enabled = SiteAlert.URGENT, on == "on"
    alert.save()
    print("saved", flush=True)
"""
ALERT_VISIBLE_TARGET = 10  # seconds, on every sampled page
# The editor of the surge: publishes a new revision of the measured pages in turn, through
# Wagtail's revision API (what the admin's Publish button calls), in its own process.
PUBLISHER = """
import os, sys, time
from wagtail.models import Page
paths = os.environ["SURGE_PATHS"].split(",")
interval, seconds = float(os.environ["SURGE_INTERVAL"]), float(os.environ["SURGE_SECONDS"])
pages = [p for p in Page.objects.live().specific() if p.url in paths]
print("ready", flush=True)
sys.stdin.readline()  # the surge has started
published, end, cpu = 0, time.monotonic() + seconds, time.process_time()
while time.monotonic() < end:
    started = time.monotonic()
    pages[published % len(pages)].save_revision().publish()
    published += 1
    time.sleep(max(0, interval - (time.monotonic() - started)))
print(published, round(time.process_time() - cpu, 1))
"""


def manage(env, *args, root=ROOT):
    subprocess.run([PYTHON, "manage.py", *args], cwd=root, env=env, check=True)


# The admin home page (its Content health panel reads every page's review state, feedback,
# broken links and each language's translations; its Newsletter panel counts subscribers per
# topic month by month and the latest mailings' deliveries) rendered in-process as a signed-in
# administrator: median and slowest of ten renders after one warm-up, in milliseconds.
ADMIN_DASHBOARD_TIMING = """
import statistics, time
from django.contrib.auth import get_user_model
from django.test import Client
user = get_user_model().objects.filter(username="bench-admin").first()
user = user or get_user_model().objects.create_superuser("bench-admin", "bench@example.org", None)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
assert client.get("/admin/").status_code == 200
times = []
for _ in range(10):
    start = time.perf_counter()
    client.get("/admin/")
    times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.0f} {max(times):.0f}")
"""
ADMIN_DASHBOARD_TARGET_MS = 300


def admin_dashboard_ms(env):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", ADMIN_DASHBOARD_TIMING],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(output[-2]), float(output[-1])


def gunicorn(env, workers=WORKERS):
    """gunicorn with the bench's worker count; raises ServerError if it does not answer."""
    return Gunicorn(env, workers=workers)


def worker_memory_mb(master_pid):
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def fetch(url):
    """GET `url`; the body. The local topology's HTTPS certificate is self-signed."""
    context = unverified_tls() if url.startswith("https:") else None
    return urllib.request.urlopen(url, timeout=10, context=context).read()  # noqa: S310


def wrk(url, **options):
    """wrk for BENCH_SECONDS unless told otherwise."""
    return run_wrk(url, **{"seconds": RUN_SECONDS, **options})


def discover(base, env, root=ROOT):
    """The URLs to measure that answer on this build; a page named by its model is the first
    live one, its address from the database."""
    found = {}
    for label, path in PAGES.items():
        if not path.startswith("/"):
            path = subprocess.run(
                [
                    PYTHON,
                    "manage.py",
                    "shell",
                    "-v",
                    "0",
                    "-c",
                    "from wagtail.models import Page\n"
                    f"p = Page.objects.live().filter(content_type__model='{path}').first()\n"
                    "print(p.url if p else '')",
                ],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
            ).stdout.strip()
        if not path:
            continue
        try:
            fetch(base + path)
        except OSError:
            continue
        found[label] = path
    html = fetch(base + "/").decode()
    found["static CSS"] = re.search(r'href="(/static/css/site\.[^"]+\.css)"', html).group(1)
    return found


TABLE_HEADER = "| URL | req/s | p50 ms | p99 ms | errors | ÷ static req/s |"
TABLE_RULE = "| --- | ---: | ---: | ---: | ---: | ---: |"


def row(label, result, static_rps):
    ratio = result["rps"] / static_rps if static_rps else 0
    return (
        f"| {label} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
        f"{result['errors']} | {ratio:.2f} |"
    )


def report(*lines):
    """Print a section of the Markdown report; each is printed once, as soon as it is measured."""
    print("\n".join(lines), flush=True)


def report_cached_home_against_static(server, env, heading):
    """A table of the static CSS file's requests/s beside the cached home page's."""
    static = wrk(server.base_url + discover(server.base_url, env)["static CSS"])
    fetch(server.base_url + "/")  # warm
    report(
        heading,
        "",
        TABLE_HEADER,
        TABLE_RULE,
        row("static CSS (whitenoise)", static, static["rps"]),
        row("home page, cached", wrk(server.base_url + "/"), static["rps"]),
        "",
    )


def surge(env, workdir, base_url=None, where="gunicorn"):
    """64 connections over every page type, quiet and then with an editor publishing every
    PUBLISH_INTERVAL seconds; each publish purges the whole page cache (page_cache/purge.py).
    Run in the order quiet, publishing, publishing, quiet and compared as sums: the machine
    slows down by a few per cent over a minute of full load (the quiet runs right after the
    soak differ by about 2.5 %), and this order cancels that drift instead of charging it to
    the publishes. Against gunicorn alone, or against `base_url` (nginx in front of the nodes,
    whose environment `env` is, so the publishes purge nginx too)."""
    with contextlib.ExitStack() as stack:
        if base_url is None:
            base_url = stack.enter_context(gunicorn(env)).base_url
        paths = discover(base_url, env)
        paths.pop("static CSS")
        paths = list(paths.values())
        for path in paths:
            fetch(base_url + path)  # warm
        script = rotating_paths_script(paths, workdir)

        def run():
            return wrk(base_url + "/", connections=64, seconds=SURGE_SECONDS, script=script)

        quiet_first = run()
        publishing = [publishing_run(env, paths, run) for _ in range(2)]
        quiet = [quiet_first, run()]
    throughput = sum(r["rps"] for r in publishing) / sum(r["rps"] for r in quiet)
    latency = sum(r["p99"] for r in publishing) / sum(r["p99"] for r in quiet)
    errors = sum(r["errors"] for r in publishing)
    published = sum(r["published"] for r in publishing)
    publisher_cpu = sum(r["publisher_cpu"] for r in publishing)
    rows = [
        ("quiet", quiet[0]),
        *((f"{r['published']} publishes, one every {PUBLISH_INTERVAL} s", r) for r in publishing),
        ("quiet", quiet[1]),
    ]
    report(
        f"### Publishing during a surge ({where}): 64 connections over {len(paths)} page types",
        "",
        "| run | req/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |"
            for label, r in rows
        ),
        "",
        f"With publishes ({published} in all): throughput {throughput:.2f} of the quiet runs "
        f"(target ≥ 0.9), p99 {latency:.2f}× the quiet p99 (target ≤ 2), {errors} errors "
        f"(target 0). The publishing processes used {publisher_cpu:.1f} s of CPU.",
        "",
    )


def urgent_alert_surge(env, workdir):
    """64 connections over every page type (the text-only site included), quiet, then while a
    moderator switches an urgent alert on, then quiet again. Reports how long the alert took to
    show on every sampled page (a poller fetches each in turn, as a visitor reloading would),
    and the throughput beside the quiet runs' (target >= 0.9)."""
    with gunicorn(env) as server:
        paths = discover(server.base_url, env)
        paths.pop("static CSS")
        paths = list(paths.values())
        for path in paths:
            urllib.request.urlopen(server.base_url + path, timeout=10)  # noqa: S310 warm
        script = rotating_paths_script(paths, workdir)

        def run():
            return wrk(server.base_url + "/", connections=64, seconds=SURGE_SECONDS, script=script)

        switch = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-v", "0", "-c", ALERT_SWITCH],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert switch.stdout.readline().strip() == "ready"
        try:
            quiet_first = run()
            title = f"Bench alert {secrets.token_hex(4)}"
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                during = pool.submit(run)
                time.sleep(SURGE_SECONDS / 4)
                switch.stdin.write(f"{title} on\n")
                switch.stdin.flush()
                assert switch.stdout.readline().strip() == "saved"
                visible = seconds_until_every_page(server.base_url, paths, title)
                alert_run = during.result()
            quiet_last = run()
            switch.stdin.write(f"{title} off\n")
            switch.stdin.flush()
            switch.stdout.readline()
        finally:
            switch.stdin.close()
            switch.wait(timeout=60)
    quiet_rps = (quiet_first["rps"] + quiet_last["rps"]) / 2
    throughput = alert_run["rps"] / quiet_rps
    slowest = max(visible.values())
    report(
        f"### Urgent alert during a surge: 64 connections over {len(paths)} page types",
        "",
        "| run | req/s | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |"
            for label, r in (
                ("quiet", quiet_first),
                ("urgent alert switched on", alert_run),
                ("quiet", quiet_last),
            )
        ),
        "",
        f"The alert showed on every sampled page within {slowest:.1f} s of being saved "
        f"(target ≤ {ALERT_VISIBLE_TARGET} s; slowest page: "
        f"{max(visible, key=visible.get)}). Throughput while it spread: {throughput:.2f} of "
        "the quiet runs (target ≥ 0.9).",
        "",
    )


def seconds_until_every_page(base, paths, text, limit=60):
    """{path: seconds until `text` first showed on it}, fetching each page in turn."""
    started = time.monotonic()
    seen = {}
    while len(seen) < len(paths) and time.monotonic() - started < limit:
        for path in paths:
            if path in seen:
                continue
            body = urllib.request.urlopen(base + path, timeout=10).read()  # noqa: S310
            if text.encode() in body:
                seen[path] = time.monotonic() - started
        time.sleep(0.1)
    return {path: seen.get(path, float("inf")) for path in paths}


def through_nginx(env, workdir):
    """The deployment's topology (testing/topology.py): nginx with the shipped
    configuration in front of two gunicorn nodes sharing Redis, over the same database. Cached
    pages through nginx against the physical limit here, nginx sending a static file of the
    same size from disk; then the surge with publishes, through nginx."""
    if missing := nginx_missing():
        report(f"### Through nginx\n\nSkipped: nginx is missing (`{missing}`).\n")
        return
    with Topology(
        workdir=Path(workdir) / "topology",
        database_url=env["DATABASE_URL"],
        static_root=env["STATIC_ROOT"],
        media_root=env["MEDIA_ROOT"],
        workers=NODE_WORKERS,
    ) as topology:
        base = topology.url
        paths = discover(base, topology.env)
        paths.pop("static CSS")
        rows, ratios, pages, statics = [], [], [], []
        for label, path in paths.items():
            body = fetch(base + path)
            # The same bytes as a static file: what nginx can send from disk, per request.
            same_size = Path(env["STATIC_ROOT"]) / "bench" / f"same-size-{len(rows)}.html"
            same_size.parent.mkdir(exist_ok=True)
            same_size.write_bytes(body)
            # Alternated, static-page-page-static, each half as long, and compared as sums:
            # this cancels the machine's drift (which on a shared machine is larger than the
            # difference being measured).
            half = max(1, RUN_SECONDS // 2)
            runs = [
                wrk(url, seconds=half)
                for url in (f"{base}/static/bench/{same_size.name}", base + path) * 2
            ]
            static, page = _summed(runs[0], runs[3]), _summed(runs[1], runs[2])
            rows.append(row(f"{label}, cached ({len(body) // 1024} KB)", page, static["rps"]))
            rows.append(row("static file of the same size", static, static["rps"]))
            ratios.append(page["rps"] / static["rps"])
            pages.append(page)
            statics.append(static)
        overall = sum(p["rps"] for p in pages) / sum(s["rps"] for s in statics)
        report(
            f"### Through nginx: the shipped configuration, 2 nodes × {NODE_WORKERS} workers, "
            "Redis, HTTPS",
            "",
            TABLE_HEADER,
            TABLE_RULE,
            *rows,
            "",
            f"Cached pages through nginx: {min(ratios):.2f}–{max(ratios):.2f} of nginx sending a "
            f"static file of the same size, {overall:.2f} over all page types together "
            "(target ≥ 0.9).",
            "",
        )
        surge(topology.env, workdir, base_url=base, where="through nginx")


def _summed(first, second):
    """Two wrk runs of equal length as one: mean requests/s, the worse percentiles."""
    return {
        "rps": (first["rps"] + second["rps"]) / 2,
        "p50": max(first["p50"], second["p50"]),
        "p99": max(first["p99"], second["p99"]),
        "errors": first["errors"] + second["errors"],
        "requests": first["requests"] + second["requests"],
    }


def publishing_run(env, paths, run):
    """`run()` while an editor publishes the pages at `paths` in turn, in its own process."""
    publisher = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", PUBLISHER],
        cwd=ROOT,
        env={
            **env,
            "SURGE_PATHS": ",".join(paths),
            "SURGE_INTERVAL": str(PUBLISH_INTERVAL),
            "SURGE_SECONDS": str(SURGE_SECONDS),
        },
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Started before the clock: Django's start-up is not part of a publish.
    assert publisher.stdout.readline().strip() == "ready"
    publisher.stdin.write("go\n")
    publisher.stdin.flush()
    result = run()
    published, publisher_cpu = publisher.communicate(timeout=120)[0].split()
    return {**result, "published": int(published), "publisher_cpu": float(publisher_cpu)}


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it when root)")
    only_surge = sys.argv[1:] == ["surge"]
    only_nginx = sys.argv[1:] == ["nginx"]
    with contextlib.ExitStack() as stack:
        if sys.argv[1:2] == ["compare"] and len(sys.argv) == 3:
            workdir = tempfile.mkdtemp(prefix="bostonems-bench-")
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            return compare(sys.argv[2], workdir, stack)
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            database_url = stack.enter_context(PostgreSQL()).url
        workdir = tempfile.mkdtemp(prefix="bostonems-bench-")
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        return run(database_url, workdir, only_surge, only_nginx)


def prepared_site(database_url, workdir, root=ROOT):
    """The production environment of the checkout at `root` over `database_url`, with its
    tables, static files and seed content in place; its files in `workdir`."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        TRUSTED_PROXIES="none",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000",
        DATABASE_URL=database_url,
        STATIC_ROOT=f"{workdir}/static",
        MEDIA_ROOT=f"{workdir}/media",
        CACHE_URL=f"filecache://{workdir}/cache",
        LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "--noinput", "-v0", root=root)
    manage(env, "collectstatic", "--noinput", "-v0", root=root)
    manage(env, "load_seed_content", root=root)
    return env


def compare(revision, workdir, stack):
    """Every page type's uncached requests/s on this checkout beside `revision`'s, in one run:
    both served at once by their own gunicorn (page cache off, UNCACHED_WORKERS) over their own
    PostgreSQL, measured in turns (before, now, now, before) so that a machine slowing down or
    warming up weighs on both alike. Then this checkout through nginx, as deployed: cached
    pages against a static file of the same size, and the surge with publishes."""
    before = Path(workdir) / "checkout"
    before.mkdir()
    archive = subprocess.Popen(["git", "archive", revision], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(before)], stdin=archive.stdout, check=True)
    if archive.wait():
        sys.exit(f"git archive {revision} failed")
    roots = {f"before ({revision})": before, "now": ROOT}
    envs, servers = {}, {}
    for label, root in roots.items():
        folder = Path(workdir) / label.split()[0]
        folder.mkdir(exist_ok=True)
        envs[label] = prepared_site(stack.enter_context(PostgreSQL()).url, folder, root)
        servers[label] = stack.enter_context(
            Gunicorn(
                {**envs[label], "PAGE_CACHE_ENABLED": "False"}, workers=UNCACHED_WORKERS, root=root
            )
        )
    first, now = roots
    paths = {label: discover(servers[label].base_url, envs[label], roots[label]) for label in roots}
    seconds = max(RUN_SECONDS // 2, 3)
    rows, slower = [], []
    for page in paths[now]:
        if page == "static CSS":
            continue
        if page not in paths[first]:
            rows.append(f"| {page} | new | | |")
            continue
        rps = {first: [], now: []}
        for label in (first, now, now, first):
            url = servers[label].base_url + paths[label][page]
            fetch(url)  # warm
            rps[label].append(wrk(url, seconds=seconds)["rps"])
        before_rps, now_rps = (sum(rps[label]) / 2 for label in (first, now))
        ratio = now_rps / before_rps
        if ratio < 0.9:
            slower.append(page)
        rows.append(f"| {page} | {before_rps:.0f} | {now_rps:.0f} | {ratio:.2f} |")
    report(
        f"### Uncached requests/s, {revision} and now side by side ({UNCACHED_WORKERS} workers)",
        "",
        f"| page type | {first} | now | now ÷ before |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        "Every page type within 10 %: "
        + ("yes." if not slower else f"**no**: {', '.join(slower)}."),
        "",
    )
    for server in servers.values():
        server.stop()
    through_nginx(envs[now], workdir)
    return 1 if slower else 0


def run(database_url, workdir, only_surge=False, only_nginx=False):
    report(
        f"## Benchmark {datetime.date.today().isoformat()}",
        "",
        f"Command: `make bench` · {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} · gunicorn {WORKERS} sync workers, production settings, "
        f"DEBUG off, PostgreSQL 15 (throwaway) · wrk -t2 -c16 -d{RUN_SECONDS}s over loopback. "
        "Cached = served by the full-page cache; uncached = the same code with "
        f"PAGE_CACHE_ENABLED=False on {UNCACHED_WORKERS} workers.",
        "",
    )
    # One node: the file cache its workers share. Several nodes: Redis (measured after).
    env = prepared_site(database_url, workdir)
    report("Shared cache: file cache (one node).\n")
    if only_nginx:
        through_nginx(env, workdir)
        return 0
    if only_surge:
        with gunicorn(env) as server:
            report_cached_home_against_static(server, env, "### Baseline (seed content)")
        surge(env, workdir)
        urgent_alert_surge(env, workdir)
        return 0

    for variant in ("seed content", "×10 content"):
        if variant == "×10 content":
            manage(env, "load_bench_content", "--factor", "10")
        with (
            gunicorn(env) as cached,
            gunicorn({**env, "PAGE_CACHE_ENABLED": "False"}, UNCACHED_WORKERS) as plain,
        ):
            paths = discover(cached.base_url, env)
            static = wrk(cached.base_url + paths.pop("static CSS"))
            rows = [row("static CSS (whitenoise)", static, static["rps"])]
            uncached = {}
            for label, path in paths.items():
                fetch(cached.base_url + path)  # warm
                fetch(plain.base_url + path)  # warm
                rows.append(row(f"{label}, cached", wrk(cached.base_url + path), static["rps"]))
                uncached[label] = wrk(plain.base_url + path)
                rows.append(row(f"{label}, uncached", uncached[label], static["rps"]))
            memory = worker_memory_mb(cached.pid)
            slowest = min(uncached, key=lambda label: uncached[label]["rps"])
            report(
                f"### {variant}",
                "",
                TABLE_HEADER,
                TABLE_RULE,
                *rows,
                "",
                f"Uncached, {UNCACHED_WORKERS} workers: the slowest page type is the {slowest} "
                f"at {uncached[slowest]['rps']:.0f} req/s (target ≥ {UNCACHED_TARGET} for "
                "every page type).",
                "",
                "Memory per worker after the runs (RSS): "
                + ", ".join(f"{mb:.0f} MB" for mb in memory),
                "",
            )

        if variant == "×10 content":
            median, slowest = admin_dashboard_ms(env)
            report(
                "### Admin home page (×10 content)",
                "",
                f"Rendered as an administrator, in-process: median {median:.0f} ms, slowest "
                f"{slowest:.0f} ms of 10 (target < {ADMIN_DASHBOARD_TARGET_MS} ms).",
                "",
            )
            with gunicorn(env) as server:
                soak = wrk(server.base_url + "/", connections=64, seconds=SOAK_SECONDS)
            report(
                f"### Soak: {SOAK_SECONDS} s at 64 connections, home page (cached)",
                "",
                f"{soak['requests']} requests, {soak['rps']:.0f} req/s, p99 "
                f"{soak['p99']:.1f} ms, **{soak['errors']} errors**.",
                "",
            )
            surge(env, workdir)
            urgent_alert_surge(env, workdir)
    if not only_surge:
        through_nginx(env, workdir)
    if shutil.which("redis-server"):
        with Redis() as redis, gunicorn({**env, "CACHE_URL": redis.url}) as server:
            report_cached_home_against_static(
                server, env, "### Several nodes: Redis as the shared cache (×10 content)"
            )
    result = subprocess.run(
        [PYTHON, "manage.py", "bench_newsletter", "--subscribers", "1000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    newsletter = result.stdout.strip() or f"failed: {result.stderr.strip()[-2000:]}"
    report("### Newsletter sending (locmem mail backend, PostgreSQL)", "", newsletter, "")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
