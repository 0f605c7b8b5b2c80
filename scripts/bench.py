"""`make bench`: measure the production setup on this machine.

Uses DATABASE_URL when set, else starts a throwaway PostgreSQL. Starts Redis when available
(else a file cache) as the shared cache, gunicorn with production settings twice
(page cache on, and off for the uncached figures), loads seed content, then drives each URL
with wrk over loopback: requests/s, p50/p99 latency and errors, cached and uncached, beside a
static CSS file through the same server. Then the ×10 content variant, memory per worker,
a 60 s soak at 64 connections and publishing during a surge (64 connections spread over every
page type while an editor publishes every PUBLISH_INTERVAL seconds, beside the same run without
publishes). Prints a Markdown report, each section once, as it is measured.
`python scripts/bench.py surge` runs only the surge and the cached/static baseline (seed
content), for a quick look.
The servers come from bostonems_site/tests/servers.py, shared with the test suite.
"""

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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bostonems_site.tests.servers import Gunicorn, PostgreSQL, Redis  # noqa: E402

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
UNCACHED_TARGET = 100
PUBLISH_INTERVAL = 2  # seconds between publishes in the surge
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


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# The admin home page (its Content health panel reads every page's review state, feedback,
# broken links and each language's translations) rendered in-process as a signed-in
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


def wrk(url, connections=16, seconds=RUN_SECONDS, headers=(), script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": errors,
        "requests": requests_done,
    }


def discover(base, env):
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
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            ).stdout.strip()
        if not path:
            continue
        try:
            urllib.request.urlopen(base + path, timeout=10)  # noqa: S310
        except OSError:
            continue
        found[label] = path
    html = urllib.request.urlopen(base + "/", timeout=10).read().decode()  # noqa: S310
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


def rotating_paths_script(paths, workdir):
    """A wrk script that asks for `paths` in turn (each wrk thread from its own start)."""
    script = Path(workdir) / "rotate.lua"
    quoted = ", ".join(f'"{path}"' for path in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return str(script)


def report_cached_home_against_static(server, env, heading):
    """A table of the static CSS file's requests/s beside the cached home page's."""
    static = wrk(server.base_url + discover(server.base_url, env)["static CSS"])
    urllib.request.urlopen(server.base_url + "/", timeout=10)  # noqa: S310 warm
    report(
        heading,
        "",
        TABLE_HEADER,
        TABLE_RULE,
        row("static CSS (whitenoise)", static, static["rps"]),
        row("home page, cached", wrk(server.base_url + "/"), static["rps"]),
        "",
    )


def surge(env, workdir):
    """64 connections over every page type, quiet and then with an editor publishing every
    PUBLISH_INTERVAL seconds; each publish purges the whole page cache (page_cache/purge.py).
    Run in the order quiet, publishing, publishing, quiet and compared as sums: the machine
    slows down by a few per cent over a minute of full load (the quiet runs right after the
    soak differ by about 2.5 %), and this order cancels that drift instead of charging it to
    the publishes."""
    with gunicorn(env) as server:
        paths = discover(server.base_url, env)
        paths.pop("static CSS")
        paths = list(paths.values())
        for path in paths:
            urllib.request.urlopen(server.base_url + path, timeout=10)  # noqa: S310 warm
        script = rotating_paths_script(paths, workdir)

        def run():
            return wrk(server.base_url + "/", connections=64, seconds=SURGE_SECONDS, script=script)

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
        f"### Publishing during a surge: 64 connections over {len(paths)} page types",
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
    with contextlib.ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            database_url = stack.enter_context(PostgreSQL()).url
        workdir = tempfile.mkdtemp(prefix="bostonems-bench-")
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        return run(database_url, workdir, only_surge)


def run(database_url, workdir, only_surge=False):
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
    cache_url, cache_name = f"filecache://{workdir}/cache", "file cache (one node)"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        DATABASE_URL=database_url,
        STATIC_ROOT=f"{workdir}/static",
        MEDIA_ROOT=f"{workdir}/media",
        CACHE_URL=cache_url,
        LOG_LEVEL="WARNING",
    )
    report(f"Shared cache: {cache_name}.\n")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_seed_content")
    if only_surge:
        with gunicorn(env) as server:
            report_cached_home_against_static(server, env, "### Baseline (seed content)")
        surge(env, workdir)
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
                urllib.request.urlopen(cached.base_url + path, timeout=10)  # noqa: S310 warm
                urllib.request.urlopen(plain.base_url + path, timeout=10)  # noqa: S310 warm
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
