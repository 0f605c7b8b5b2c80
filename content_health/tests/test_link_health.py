"""The link checker against real local web servers (no internet in CI): it finds links in rich
text, link blocks, related links, the footer (site-wide text and site settings) and alerts,
and reports 404s, 500s, redirect loops, hangs and pages that were deleted, unpublished or made
private, while a working link, and one whose server refuses HEAD, pass."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from wagtail.models import Locale, PageViewRestriction
from wagtail.rich_text import RichText

from bostonems_site.models import SiteSettings, SiteText
from content_health.link_health import check_links
from content_health.models import BrokenLink
from divisions.models import DivisionPage
from standard_pages.models import StandardPage
from testing.helpers import publish, show_site_alert
from testing.servers import free_port

pytestmark = pytest.mark.django_db
REQUESTS = []


class Answers(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /error 500, /loop 301 to itself, /hang never in time,
    /no-head 405 to HEAD and 200 to GET."""

    def answer(self):
        REQUESTS.append((self.command, self.path))
        if self.path == "/hang":
            time.sleep(1.5)
        status = {"/ok": 200, "/missing": 404, "/error": 500, "/loop": 301, "/hang": 200}.get(
            self.path, 200 if self.command == "GET" else 405
        )
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/loop")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Answers)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@override_settings(LINK_CHECK_TIMEOUT=0.5, LINK_CHECK_HOST_INTERVAL=0)
def test_finds_and_checks_links_in_every_place(seeded_site, web):
    home = seeded_site
    draft = StandardPage(title="Draft page", slug="draft-page", live=False)
    home.add_child(instance=draft)
    private = publish(home, StandardPage(title="Staff only", slug="staff-only"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    deleted_id = publish(home, StandardPage(title="Gone", slug="gone")).pk
    StandardPage.objects.filter(pk=deleted_id).delete()

    page = StandardPage.objects.get(slug="privacy")
    page.body = [
        (
            "paragraph",
            RichText(
                f'<p><a href="{web}/missing">a</a> <a href="{web}/ok">b</a> '
                f'<a linktype="page" id="{draft.pk}">c</a> '
                f'<a linktype="page" id="{deleted_id}">d</a></p>'
            ),
        ),
        ("call_to_action", {"text": "Apply", "page": None, "external_url": f"{web}/error"}),
    ]
    page.save_revision().publish()
    division = DivisionPage.objects.get(slug="field-operations", locale__language_code="en")
    division.related_links.create(title="Looping", link_url=f"{web}/loop", locale=division.locale)
    division.save_revision().publish()
    text = SiteText.objects.get(locale=Locale.get_default())
    text.related_links = [("link", {"title": "Slow", "page": None, "external_url": f"{web}/hang"})]
    text.save()
    site_settings = SiteSettings.objects.first()
    site_settings.social_links = [("link", {"name": "Refuses HEAD", "url": f"{web}/no-head"})]
    site_settings.accessibility_page = draft
    site_settings.save()
    show_site_alert(link_page=private, link_text="Staff news")

    REQUESTS.clear()
    check_links()

    found = {(link.page_id, link.target, link.problem) for link in BrokenLink.objects.all()}
    assert found == {
        (page.pk, f"{web}/missing", "Answers 404"),
        (page.pk, "Draft page", "The page is not published"),
        (page.pk, f"Page {deleted_id}", "The page was deleted"),
        (page.pk, f"{web}/error", "Answers 500"),
        (division.pk, f"{web}/loop", "Redirects in a loop"),
        (None, f"{web}/hang", "No answer (timed out)"),
        (None, "Draft page", "The page is not published"),  # the footer's accessibility page
        (None, "Staff only", "The page is private"),  # the alert's link
    }
    places = {link.target: link.place for link in BrokenLink.objects.all()}
    assert places[f"{web}/hang"].startswith("Site-wide text")
    assert places["Staff only"].startswith("Site alert")
    assert "related links: Looping" in places[f"{web}/loop"]
    # HEAD first, GET when HEAD is refused; a 500 is asked again once, a 404 is not.
    assert REQUESTS.count(("HEAD", "/no-head")) == 1 and ("GET", "/no-head") in REQUESTS
    assert REQUESTS.count(("HEAD", "/error")) == 2
    assert REQUESTS.count(("HEAD", "/missing")) == 1
    assert REQUESTS.count(("HEAD", "/ok")) == 1


def test_owners_see_their_broken_links_in_the_report_and_their_weekly_email(
    seeded_site, client, django_user_model
):
    from django.core import mail

    from content_health.digest import send_review_digests
    from content_health.models import BrokenLink

    owner = django_user_model.objects.create_user("olga", "olga@example.org")
    page = StandardPage.objects.get(slug="privacy")
    page.owner_user = owner
    page.save(update_fields=["owner_user"])
    BrokenLink.objects.create(
        page=page,
        place="Body",
        target="https://example.org/gone",
        problem="Answers 404",
        checked_at=page.last_published_at,
    )
    assert send_review_digests() == 1
    assert "https://example.org/gone (Answers 404)" in mail.outbox[0].body

    admin = django_user_model.objects.create_superuser("admin2", "a@example.org", "x")
    client.force_login(admin)
    report = client.get(f"/admin/content-health/broken-links/?owner=user:{owner.pk}")
    assert "https://example.org/gone" in report.text and "olga" in report.text
    export = client.get("/admin/content-health/broken-links/?export=csv")
    assert "https://example.org/gone" in b"".join(export.streaming_content).decode()
