"""`make lighthouse`: Lighthouse 12 (its mobile preset: a mid-range phone on a throttled
connection) on the page types visitors use most, against the production setup on this machine:
gunicorn with production settings and DEBUG off, a throwaway SQLite database with the seed
content, collected static files, and /media/ served as the production web server serves it.
Replaces the table between the markers in docs/performance.md with the scores (the median of
LIGHTHOUSE_RUNS runs, 3 by default) and, for any score under 100, the audits that cost points.

Needs `npm ci` (lighthouse is a devDependency in package.json) and Chromium (CHROME_PATH,
default /usr/bin/chromium). Never part of the test suite: scores are measurements, and the
checks behind them (axe, the HTML checker, structured data) are asserted by the tests."""

import contextlib
import datetime
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"
PAGES = {
    "home page": "/",
    "division page": "/divisions/field-operations/",
    "video gallery": "/videos/",
    "video page": None,  # the gallery's first video
    "news": "/news/",
    "newsletter sign-up": "/sign-up/",
    "text-only site": "/lite/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Lighthouse's own advice for noisy machines: several runs, keep the median (by performance).
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
# The machine has no outside network: nothing that phones home.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def site_with_media():
    """gunicorn's app (a factory): the site, with /media/ served from MEDIA_ROOT as nginx or
    object storage does in production (Django itself never serves media with DEBUG off).
    autorefresh: renditions are created while the pages render, after the server starts."""
    from django.conf import settings
    from whitenoise import WhiteNoise

    from bostonems_site.wsgi import application

    return WhiteNoise(
        application, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL, autorefresh=True
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(env):
    port = free_port()
    process = subprocess.Popen(
        [
            *(PYTHON, "-m", "gunicorn", "lighthouse:site_with_media()"),
            *("--pythonpath", str(ROOT / "scripts"), "--bind", f"127.0.0.1:{port}"),
            *("--workers", "2", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/", timeout=5)  # noqa: S310 (our loopback server)
                break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait()


def first_video(base):
    html = urllib.request.urlopen(base + "/videos/", timeout=30).read().decode()  # noqa: S310
    return re.search(r'href="(/videos/[a-z0-9-]+/)"', html).group(1)


def lighthouse(url, attempts=3):
    """One Lighthouse run's report. On a busy machine Chromium sometimes misses Lighthouse's
    time limits (the run fails rather than scoring); such a run is tried again."""
    for attempt in range(1, attempts + 1):
        try:
            return lighthouse_once(url)
        except subprocess.CalledProcessError as error:
            print(f"Lighthouse failed on {url} (attempt {attempt}):", error.stderr[-2000:])
            if attempt == attempts:
                raise


def lighthouse_once(url):
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    return json.loads(result.stdout)


def lost_points(report):
    """'category: audit title' for each scored audit that isn't perfect."""
    lost = []
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{key}: {audit['title']} ({audit.get('displayValue') or 'failed'})")
    return lost


@contextlib.contextmanager
def production_site():
    """The address of the site as production runs it, with the seed content, on a free port
    (also for `make pa11y`, scripts/pa11y.py)."""
    workdir = tempfile.mkdtemp(prefix="bostonems-lighthouse-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bostonems_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "TRUSTED_PROXIES": "none",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "STATIC_ROOT": f"{workdir}/static",
        "MEDIA_ROOT": f"{workdir}/media",
        "CACHE_URL": f"filecache://{workdir}/cache",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_seed_content")
    with gunicorn(env) as base:
        yield base


def write_section(start, end, heading, lines):
    """Replace the lines between the markers `start` and `end` in docs/performance.md, or add
    them under `heading` at its end."""
    section = "\n".join([start, *lines, end])
    text = REPORT.read_text()
    if start in text:
        text = re.sub(f"{re.escape(start)}.*?{re.escape(end)}", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n" + section + "\n"
    REPORT.write_text(text)
    print(f"Written to {REPORT.relative_to(ROOT)}")


def main():
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: npm ci (make lighthouse does it)")
    rows, notes = [], []
    with production_site() as base:
        for label, path in PAGES.items():
            path = path or first_video(base)
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310 (warm the cache)
            reports = sorted(
                (lighthouse(base + path) for _ in range(RUNS)),
                key=lambda report: report["categories"]["performance"]["score"],
            )
            report = reports[len(reports) // 2]
            scores = [round(report["categories"][key]["score"] * 100) for key in CATEGORIES]
            rows.append(f"| {label} (`{path}`) | " + " | ".join(map(str, scores)) + " |")
            notes += [f"- {label}: {text}" for text in lost_points(report)]
            print(rows[-1], flush=True)
    # Total Blocking Time, and so Performance, follows how busy the machine was: say it.
    load = os.getloadavg()[0]
    version = report["lighthouseVersion"]
    table = [
        *textwrap.wrap(
            f"Measured {datetime.date.today().isoformat()} with `make lighthouse` (Lighthouse "
            f"{version}, mobile preset, headless Chromium, seed content, production settings under "
            f"gunicorn on this shared {os.cpu_count()}-core machine, load average {load:.1f} at "
            f"the end; the median of {RUNS} runs per page, as Performance varies by a few points "
            "between runs).",
            width=96,
        ),
        "",
        "| Page | Performance | Accessibility | Best practices | SEO |",
        "| --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        *(["Points lost:", "", *notes] if notes else ["Every audit that scores passed."]),
    ]
    write_section(START, END, "Lighthouse", table)


if __name__ == "__main__":
    main()
