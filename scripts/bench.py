"""`make bench`: measure the production setup on this machine.

Runs inside scripts/with-postgres.sh (a throwaway PostgreSQL in DATABASE_URL). Starts Redis when
available (else a file cache) as the shared cache, gunicorn with production settings twice
(page cache on, and off for the uncached figures), loads seed content, then drives each URL
with wrk over loopback: requests/s, p50/p99 latency and errors, cached and uncached, beside a
static CSS file through the same server. Then the ×10 content variant, memory per worker, and
a 60 s soak at 64 connections. Prints a Markdown report.
"""

import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def redis_cache(workdir):
    """A throwaway Redis on loopback (the shared cache of a several-node setup)."""
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()


@contextlib.contextmanager
def gunicorn(env):
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bostonems_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310
            break
        time.sleep(0.2)
    try:
        yield base, process.pid
    finally:
        process.terminate()
        process.wait()


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
    """Paths that exist on this build (the gallery arrives with the media library)."""
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


def row(label, result, static_rps):
    ratio = result["rps"] / static_rps if static_rps else 0
    return (
        f"| {label} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
        f"{result['errors']} | {ratio:.2f} |"
    )


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it when root)")
    workdir = tempfile.mkdtemp(prefix="bostonems-bench-")
    report = [
        f"## Benchmark {datetime.date.today().isoformat()}",
        "",
        f"Command: `make bench` · {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} · gunicorn {WORKERS} sync workers, production settings, "
        f"DEBUG off, PostgreSQL 15 (throwaway) · wrk -t2 -c16 -d{RUN_SECONDS}s over loopback. "
        "Cached = served by the full-page cache; uncached = the same server with "
        "PAGE_CACHE_ENABLED=False.",
        "",
    ]
    # One node: the file cache its workers share. Several nodes: Redis (measured after).
    cache_url, cache_name = f"filecache://{workdir}/cache", "file cache (one node)"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bostonems_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        STATIC_ROOT=f"{workdir}/static",
        MEDIA_ROOT=f"{workdir}/media",
        CACHE_URL=cache_url,
        LOG_LEVEL="WARNING",
    )
    report.append(f"Shared cache: {cache_name}.\n")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_seed_content")

    for variant in ("seed content", "×10 content"):
        if variant == "×10 content":
            manage(env, "load_bench_content", "--factor", "10")
        with (
            gunicorn(env) as (cached_base, cached_pid),
            gunicorn({**env, "PAGE_CACHE_ENABLED": "False"}) as (plain_base, _),
        ):
            paths = discover(cached_base, env)
            static = wrk(cached_base + paths.pop("static CSS"))
            report += [
                f"### {variant}",
                "",
                "| URL | req/s | p50 ms | p99 ms | errors | ÷ static req/s |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                row("static CSS (whitenoise)", static, static["rps"]),
            ]
            for label, path in paths.items():
                urllib.request.urlopen(cached_base + path, timeout=10)  # noqa: S310 warm
                report.append(row(f"{label}, cached", wrk(cached_base + path), static["rps"]))
                report.append(row(f"{label}, uncached", wrk(plain_base + path), static["rps"]))
            memory = worker_memory_mb(cached_pid)
            report += [
                "",
                "Memory per worker after the runs (RSS): "
                + ", ".join(f"{mb:.0f} MB" for mb in memory),
                "",
            ]
            print("\n".join(report), flush=True)

        if variant == "×10 content":
            with gunicorn(env) as (base, _):
                soak = wrk(base + "/", connections=64, seconds=SOAK_SECONDS)
            report += [
                f"### Soak: {SOAK_SECONDS} s at 64 connections, home page (cached)",
                "",
                f"{soak['requests']} requests, {soak['rps']:.0f} req/s, p99 "
                f"{soak['p99']:.1f} ms, **{soak['errors']} errors**.",
                "",
            ]
    if shutil.which("redis-server"):
        with (
            redis_cache(workdir) as redis_url,
            gunicorn({**env, "CACHE_URL": redis_url}) as (
                base,
                _,
            ),
        ):
            static = wrk(base + discover(base, env)["static CSS"])
            urllib.request.urlopen(base + "/", timeout=10)  # noqa: S310 warm
            report += [
                "### Several nodes: Redis as the shared cache (×10 content)",
                "",
                "| URL | req/s | p50 ms | p99 ms | errors | ÷ static req/s |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                row("static CSS (whitenoise)", static, static["rps"]),
                row("home page, cached", wrk(base + "/"), static["rps"]),
                "",
            ]
    result = subprocess.run(
        [PYTHON, "manage.py", "bench_newsletter", "--subscribers", "1000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    newsletter = result.stdout.strip() or f"failed: {result.stderr.strip()[-2000:]}"
    report += ["### Newsletter sending (locmem mail backend, PostgreSQL)", "", newsletter, ""]
    shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report))


if __name__ == "__main__":
    main()
