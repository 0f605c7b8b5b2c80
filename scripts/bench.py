"""`make bench`: measure the production setup on this machine.

Uses DATABASE_URL when set, else starts a throwaway PostgreSQL. Starts Redis when available
(else a file cache) as the shared cache, gunicorn with production settings twice
(page cache on, and off for the uncached figures), loads seed content, then drives each URL
with wrk over loopback: requests/s, p50/p99 latency and errors, cached and uncached, beside a
static CSS file through the same server. Then the ×10 content variant, memory per worker, and
a 60 s soak at 64 connections. Prints a Markdown report, each section once, as it is measured.
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
PAGES = {
    "home page": "/",
    "division page": "/divisions/field-operations/",
    "division index": "/divisions/",
    "video gallery": "/videos/",
    "video page": None,  # discovered from the gallery
}
RUN_SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
# gunicorn's own advice: 2 × cores + 1 sync workers, so one waiting on the cache or the
# database never leaves a core idle.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def gunicorn(env):
    """gunicorn with the bench's worker count; raises ServerError if it does not answer."""
    return Gunicorn(env, workers=WORKERS)


def worker_memory_mb(master_pid):
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def wrk(url, connections=16, seconds=RUN_SECONDS, headers=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
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
    """The URLs to measure that answer on this build; the video page's address comes from the
    database."""
    found = {}
    for label, path in PAGES.items():
        if path is None:
            path = subprocess.run(
                [
                    PYTHON,
                    "manage.py",
                    "shell",
                    "-v",
                    "0",
                    "-c",
                    "from wagtail.models import Page\n"
                    "p = Page.objects.live().filter(content_type__model='videopage').first()\n"
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


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it when root)")
    with contextlib.ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            database_url = stack.enter_context(PostgreSQL()).url
        workdir = tempfile.mkdtemp(prefix="bostonems-bench-")
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        return run(database_url, workdir)


def run(database_url, workdir):
    report(
        f"## Benchmark {datetime.date.today().isoformat()}",
        "",
        f"Command: `make bench` · {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} · gunicorn {WORKERS} sync workers, production settings, "
        f"DEBUG off, PostgreSQL 15 (throwaway) · wrk -t2 -c16 -d{RUN_SECONDS}s over loopback. "
        "Cached = served by the full-page cache; uncached = the same server with "
        "PAGE_CACHE_ENABLED=False.",
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

    for variant in ("seed content", "×10 content"):
        if variant == "×10 content":
            manage(env, "load_bench_content", "--factor", "10")
        with (
            gunicorn(env) as cached,
            gunicorn({**env, "PAGE_CACHE_ENABLED": "False"}) as plain,
        ):
            paths = discover(cached.base_url, env)
            static = wrk(cached.base_url + paths.pop("static CSS"))
            rows = [row("static CSS (whitenoise)", static, static["rps"])]
            for label, path in paths.items():
                urllib.request.urlopen(cached.base_url + path, timeout=10)  # noqa: S310 warm
                rows.append(row(f"{label}, cached", wrk(cached.base_url + path), static["rps"]))
                rows.append(row(f"{label}, uncached", wrk(plain.base_url + path), static["rps"]))
            memory = worker_memory_mb(cached.pid)
            report(
                f"### {variant}",
                "",
                TABLE_HEADER,
                TABLE_RULE,
                *rows,
                "",
                "Memory per worker after the runs (RSS): "
                + ", ".join(f"{mb:.0f} MB" for mb in memory),
                "",
            )

        if variant == "×10 content":
            with gunicorn(env) as server:
                soak = wrk(server.base_url + "/", connections=64, seconds=SOAK_SECONDS)
            report(
                f"### Soak: {SOAK_SECONDS} s at 64 connections, home page (cached)",
                "",
                f"{soak['requests']} requests, {soak['rps']:.0f} req/s, p99 "
                f"{soak['p99']:.1f} ms, **{soak['errors']} errors**.",
                "",
            )
    if shutil.which("redis-server"):
        with Redis() as redis, gunicorn({**env, "CACHE_URL": redis.url}) as server:
            static = wrk(server.base_url + discover(server.base_url, env)["static CSS"])
            urllib.request.urlopen(server.base_url + "/", timeout=10)  # noqa: S310 warm
            report(
                "### Several nodes: Redis as the shared cache (×10 content)",
                "",
                TABLE_HEADER,
                TABLE_RULE,
                row("static CSS (whitenoise)", static, static["rps"]),
                row("home page, cached", wrk(server.base_url + "/"), static["rps"]),
                "",
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
