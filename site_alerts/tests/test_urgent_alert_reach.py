"""An urgent alert switched on reaches every kind of page, in every language and on the
text-only site, within 10 s through the page cache of gunicorn's workers (production
settings, with production's re-render interval), and is gone within 10 s of switching it off.
The pages are cached before each switch, so this is the cache's purge at work."""

import time
from io import StringIO

import pytest
import requests
from django.test import override_settings

from bostonems_site.seed import load_translations
from bostonems_site.settings.base import shared_caches
from site_alerts.models import SiteAlert
from testing.helpers import show_site_alert
from testing.servers import gunicorn

pytestmark = pytest.mark.django_db
PAGES = ["/", "/divisions/field-operations/", "/es/", "/lite/"]
WITHIN = 10  # seconds
TITLE = "Mass-casualty incident: avoid Boylston Street"


def seconds_until(base, predicate):
    """Seconds until every page satisfies `predicate(html)` (polled), or fails after WITHIN."""
    started = time.monotonic()
    pending = set(PAGES)
    while pending:
        for path in list(pending):
            if predicate(requests.get(base + path, timeout=10).text):
                pending.discard(path)
        elapsed = time.monotonic() - started
        assert elapsed < WITHIN, f"still not there after {elapsed:.1f} s: {sorted(pending)}"
        if pending:
            time.sleep(0.2)
    return time.monotonic() - started


def test_an_urgent_alert_reaches_every_page_and_leaves_within_10_seconds(
    committed_site, collected_static, tmp_path
):
    load_translations(committed_site, StringIO())  # the Spanish home page
    cache_url = f"filecache://{tmp_path / 'cache'}"
    with (
        gunicorn(
            collected_static, workers=2, CACHE_URL=cache_url, PAGE_CACHE_RERENDER_INTERVAL="5"
        ) as base,
        override_settings(CACHES=shared_caches(cache_url)),
    ):
        for path in PAGES:  # cached, twice over
            for _ in range(3):
                assert requests.get(base + path, timeout=10).ok
        assert requests.get(base + "/", timeout=10).headers["X-Cache"] == "HIT"

        show_site_alert(level=SiteAlert.URGENT, title=TITLE)
        shown = seconds_until(base, lambda html: TITLE in html)
        home = requests.get(base + "/", timeout=10).text
        assert home.index(TITLE) < home.index('class="hero'), "the alert leads the home page"

        show_site_alert(level=SiteAlert.URGENT, title=TITLE, enabled=False)
        gone = seconds_until(base, lambda html: TITLE not in html)
        print(f"urgent alert on every page after {shown:.1f} s, gone after {gone:.1f} s")
