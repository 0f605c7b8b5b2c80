"""The text-only site: the essentials of the worst day in one round trip, in every language,
linked from every page and from urgent alerts; and the guidance pages editors own."""

import base64
import hashlib
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from guidance.models import GuidanceIndexPage, GuidancePage
from site_alerts.models import SiteAlert
from testing.helpers import (
    QUERY_BUDGET,
    VIEWPORTS,
    assert_accessible,
    count_queries,
    publish,
    show_linked_alert,
    show_site_alert,
    soup,
)

pytestmark = pytest.mark.django_db
ONE_ROUND_TRIP = 14 * 1024  # bytes: what TCP's first window carries
LANGUAGES = ("", "/es", "/ar")


def test_lite_fits_one_round_trip_in_english_spanish_and_arabic(client, translated_site):
    show_linked_alert(SiteAlert.URGENT)
    show_site_alert(title="Road closures", message="Ambulances take other routes.")
    for prefix in LANGUAGES:
        response = client.get(f"{prefix}/lite/", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert len(response.content) <= ONE_ROUND_TRIP, (prefix, len(response.content))


def test_lite_has_no_files_to_fetch_and_its_style_is_allowed_by_hash(client, seeded_site):
    response = client.get("/lite/")
    page = BeautifulSoup(response.content, "html.parser")
    assert not page.find_all(["img", "script", "link", "iframe", "video", "picture", "svg"])
    assert not page.select("[style]")
    (style,) = page.find_all("style")
    digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert f"'sha256-{digest}'" in style_src and "unsafe-inline" not in style_src


def test_lite_puts_current_alerts_first_then_9_1_1_guidance_divisions_and_contact(
    client, seeded_site
):
    show_site_alert(level=SiteAlert.URGENT, title="Mass-casualty incident downtown")
    main = soup(client, "/lite/").main
    headings = [h2.get_text(" ", strip=True) for h2 in main.find_all("h2")]
    assert headings[0] == "Mass-casualty incident downtown"
    assert headings[1] == "In an emergency, call 9-1-1"
    assert headings[2:5] == ["When to call 9-1-1", "Hands-only CPR", "What to tell the dispatcher"]
    assert main.find("a", href="tel:911")
    assert main.find("a", href="tel:6173432367")  # the non-emergency line
    assert main.find("a", href="/divisions/field-operations/")
    assert "785 Albany Street" in main.get_text()
    assert main.find("a", href="/es/lite/")
    assert "Push hard and fast" in main.get_text()
    show_site_alert(level=SiteAlert.URGENT, enabled=False)
    assert "Mass-casualty" not in soup(client, "/lite/").get_text()


def test_spanish_lite_is_in_spanish_with_english_guidance_marked_as_english(
    client, translated_site
):
    page = soup(client, "/es/lite/")
    assert page.html["lang"] == "es"
    assert page.find("h2", id="call-heading").get_text() == "En una emergencia, llame al 9-1-1"
    cpr = page.find("h2", string="Hands-only CPR").parent
    assert cpr["lang"] == "en"


def test_every_page_links_the_lite_site_and_urgent_alerts_link_it_too(client, translated_site):
    for path, lite in (("/", "/lite/"), ("/divisions/", "/lite/"), ("/es/", "/es/lite/")):
        page = soup(client, path)
        assert page.footer.find("a", href=lite), path
    show_site_alert(level=SiteAlert.INFO)
    assert not soup(client, "/").select_one(".site-alert").find("a", href="/lite/")
    show_site_alert(level=SiteAlert.URGENT)
    assert soup(client, "/").select_one(".site-alert").find("a", href="/lite/")
    spanish_link = soup(client, "/es/").select_one(".site-alert").find("a", href="/es/lite/")
    # In the page's language, inside an alert that may be English fallback wording.
    assert (spanish_link["lang"], spanish_link["dir"]) == ("es", "ltr")


def test_guidance_pages_are_seeded_once_as_marked_sample_text(client, seeded_site):
    pages = GuidancePage.objects.live()
    assert pages.count() == 3
    for page in pages:
        assert "Office of the Medical Director" in page.body
        assert "Office of the Medical Director" in soup(client, page.url).main.get_text()
    assert GuidancePage.clinical_guidance
    assert soup(client, GuidanceIndexPage.objects.get().url).main.find("a", href="/lite/")
    edited = pages.get(slug="hands-only-cpr")
    edited.title = "Hands-only CPR (reviewed)"
    edited.save_revision().publish()
    call_command("load_seed_content", stdout=StringIO())
    assert GuidancePage.objects.count() == 3
    assert GuidancePage.objects.get(slug="hands-only-cpr").title == "Hands-only CPR (reviewed)"


@pytest.mark.browser
def test_lite_and_the_offline_page_are_accessible_in_english_spanish_and_arabic(live_site, browser):
    show_linked_alert(SiteAlert.URGENT)
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for prefix in LANGUAGES:
            assert_accessible(page, f"{live_site.url}{prefix}/lite/")
        assert_accessible(page, f"{live_site.url}/ar/offline/")
        context.close()


def test_lite_and_guidance_pages_run_a_constant_number_of_queries(client, seeded_site):
    paths = ["/lite/", "/es/lite/", "/guidance/", "/guidance/hands-only-cpr/"]
    for path in paths:
        count_queries(client, path)  # per-process lookups made once (locales, content types)
    before = {path: count_queries(client, path) for path in paths}
    assert max(before.values()) <= QUERY_BUDGET, before
    index = GuidanceIndexPage.objects.get()
    for number in range(10):
        publish(index, GuidancePage(title=f"Guidance {number}", summary="Short.", body="<p>S</p>"))
    assert {path: count_queries(client, path) for path in paths} == before
