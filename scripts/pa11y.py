"""`make pa11y`: pa11y, with both its runners (HTML_CodeSniffer and axe, standard WCAG2AA), on
every public page type, in English, Spanish and a language the site falls back to English for,
against the same production setup as `make lighthouse`. Replaces the table between the markers
in docs/performance.md and fails on any error.

Errors count as pa11y counts them, including what axe can only flag for review (text over a
background image, whose contrast it cannot measure): a visitor's own checker shows those as
errors too. HTML_CodeSniffer's warnings are prompts for a person to check (an alt="" image,
a heading before the h1: the site alert), listed in the table, not failures.

Needs `npm ci` (pa11y is a devDependency in package.json; its puppeteer never downloads a
browser: it drives Chromium at CHROME_PATH, default /usr/bin/chromium). Never part of the test
suite: the suite runs axe itself (tests/test_site_crawl.py); this is the second opinion the
public's tools give."""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import urllib.request

from lighthouse import ROOT, production_site, write_section

PA11Y = ROOT / "node_modules" / ".bin" / "pa11y"
START, END = "<!-- pa11y:start -->", "<!-- pa11y:end -->"
PAGES = {
    "home page": "/",
    "division index": "/divisions/",
    "division page": "/divisions/field-operations/",
    "video gallery": "/videos/",
    "video page": ("/videos/", "/videos/"),  # the gallery's first video
    "news and events": "/news/",
    "news item": ("/news/", "/news/"),  # the newest news item
    "newsletter sign-up": "/sign-up/",
    "search results": "/search/?q=division",
    "search, nothing found": "/search/?q=nothing-matches-this",
    "page not found": "/this-page-does-not-exist/",
    "life-saving guidance": "/guidance/",
    "text-only site": "/lite/",
    "home page, Spanish": "/es/",
    "division page, Spanish": "/es/divisions/field-operations/",
    "text-only site, Spanish": "/es/lite/",
    "text-only site, Arabic (English fallback)": "/ar/lite/",
}


def first_link(base, listing, prefix):
    """The first page under `prefix` that the listing's content links (not its feeds)."""
    html = urllib.request.urlopen(base + listing, timeout=30).read().decode()  # noqa: S310
    html = html.split("<main", 1)[1]
    return re.search(rf'href="({re.escape(prefix)}[a-z0-9-]+/)"', html).group(1)


def pa11y(url, config):
    """pa11y's issues on one page, as its JSON reporter lists them (exit code 2 means issues)."""
    result = subprocess.run(
        [str(PA11Y), "--config", config, "--reporter", "json", url],
        capture_output=True,
        text=True,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    if result.returncode not in (0, 2):
        sys.exit(f"pa11y failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout or "[]")


def main():
    if not PA11Y.exists():
        sys.exit("pa11y is not installed: npm ci (make pa11y does it)")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    config = {
        "standard": "WCAG2AA",
        "runners": ["htmlcs", "axe"],
        "includeWarnings": True,
        # What a <video> holds for browsers that cannot play video is never rendered, and axe
        # fails on it ("Unable to parse color", an error it asks to check by hand).
        "hideElements": "video > *",
        "timeout": 60000,
        "chromeLaunchConfig": {"executablePath": chrome, "args": ["--no-sandbox"]},
    }
    rows, notes, total = [], [], 0
    with tempfile.NamedTemporaryFile("w", suffix=".json") as config_file:
        json.dump(config, config_file)
        config_file.flush()
        with production_site() as base:
            for label, path in PAGES.items():
                if isinstance(path, tuple):
                    path = first_link(base, *path)
                issues = pa11y(base + path, config_file.name)
                errors = [issue for issue in issues if issue["type"] == "error"]
                total += len(errors)
                rows.append(f"| {label} (`{path}`) | {len(errors)} | {len(issues) - len(errors)} |")
                notes += [
                    f"- {label}: {issue['runner']} {issue['code']} at `{issue['selector']}`"
                    for issue in errors
                ]
                print(rows[-1], flush=True)
    version = subprocess.run([str(PA11Y), "--version"], capture_output=True, text=True).stdout
    table = [
        *textwrap.wrap(
            f"Measured {datetime.date.today().isoformat()} with `make pa11y` (pa11y "
            f"{version.strip()}, runners HTML_CodeSniffer and axe, standard WCAG2AA, axe's "
            "needs-review results counted as errors; headless Chromium at 1280 px, seed content, "
            "production settings under gunicorn). Warnings are HTML_CodeSniffer's prompts for a "
            "person to check.",
            width=96,
        ),
        "",
        "| Page | Errors | Warnings |",
        "| --- | ---: | ---: |",
        *rows,
        "",
        *(["Errors:", "", *notes] if notes else ["No errors on any page."]),
    ]
    write_section(START, END, "pa11y", table)
    if total:
        sys.exit(f"{total} pa11y errors")


if __name__ == "__main__":
    main()
