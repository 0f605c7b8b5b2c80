"""In a real Chromium, in the real admin, from a fresh seed: a user who is only in "Newsletter
managers" finds a new news item in their menu, previews its email, sends a test to
themselves, sends it to its topic, and exports the topic's subscribers."""

import csv
import io
import re
from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import expect

from news.models import NewsIndexPage, NewsPage
from newsletter.models import Interest, Subscriber
from newsletter.permissions import MANAGERS_GROUP
from testing.helpers import axe_violations, publish, signed_in_admin_tab

pytestmark = pytest.mark.browser
Status = Subscriber.Status
TITLE = "New stroke unit opens at Boston Medical Center"
SUMMARY = "Crews can now take stroke patients straight to the new unit."


def subscribe(email, status, *topics, language="en"):
    row = Subscriber.objects.create(email=email, status=status, language_code=language)
    row.interests.set(topics)
    return row


@pytest.fixture
def manager_page(live_site, browser, django_user_model):
    """Chromium signed in, through the login form, as a user only in Newsletter managers."""
    page = signed_in_admin_tab(browser, live_site.url, django_user_model, "comms", MANAGERS_GROUP)
    yield page
    page.context.close()


def test_a_manager_previews_test_sends_and_sends_a_new_item_to_its_topic(
    live_site, manager_page, run_worker, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_site.url  # the logo and links lead to this server
    news = Interest.objects.sources().get(slug="news-and-events")
    careers = Interest.objects.sources().get(slug="career-and-training-opportunities")
    subscribe("reader@example.org", Status.CONFIRMED, news)
    subscribe("lector@example.org", Status.CONFIRMED, news, careers, language="es")
    subscribe("careers.only@example.org", Status.CONFIRMED, careers)
    subscribe("left@example.org", Status.UNSUBSCRIBED, news)
    subscribe("unconfirmed@example.org", Status.PENDING, news)
    item = publish(
        NewsIndexPage.objects.get(locale__language_code="en"),
        NewsPage(
            title=TITLE, slug="new-stroke-unit", date=date.today(), kind="news", summary=SUMMARY
        ),
    )
    page = manager_page

    # Their menu: Subscribers → Send an update, the list of pages they may send.
    page.get_by_role("button", name="Subscribers").click()
    page.get_by_role("link", name="Send an update").click()
    page.wait_for_url(live_site.url + "/admin/newsletter/send/")
    assert axe_violations(page) == []
    row = page.get_by_role("row").filter(has_text=TITLE)
    assert row.get_by_role("cell").all_inner_texts()[2:] == ["News and Events", "2", "Never"]
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"{live_site.url}/admin/newsletter/send/{item.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    assert axe_violations(page) == []

    # The email, in the browser, as subscribers will get it.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview (English)").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", level=1).inner_text() == TITLE
    expect(preview.get_by_text(SUMMARY)).to_be_visible()
    assert preview.get_by_role("link", name=f"Read more: {TITLE}").get_attribute("href") == (
        live_site.url + item.url
    )
    assert preview.evaluate("document.querySelector('img').naturalWidth") > 0  # the logo
    preview.close()

    # A test to themselves, and nobody else.
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.get_by_text("A test email was sent to comms@example.org.")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["comms@example.org"]]
    mail.outbox.clear()

    # Send: the confirmed subscribers of the topic get it once the worker passes.
    page.get_by_role("button", name="Send to 2 subscribers").click()
    page.wait_for_url(re.compile(r".*/admin/newsletter/mailings/\d+/"))
    run_worker()
    received = {message.to[0]: message for message in mail.outbox}
    assert sorted(received) == ["lector@example.org", "reader@example.org"]
    english = received["reader@example.org"]
    assert english.subject == TITLE and SUMMARY in english.body
    assert f"{live_site.url}{item.url}" in english.body
    assert "Lea más" in received["lector@example.org"].body  # the subscriber's language
    page.reload()
    expect(page.locator("dt:text-is('Sent') + dd")).to_have_text("2")


def test_a_manager_exports_the_subscribers_of_one_topic(live_site, manager_page):
    careers = Interest.objects.sources().get(slug="career-and-training-opportunities")
    subscribe("careers.only@example.org", Status.CONFIRMED, careers)
    subscribe("left@example.org", Status.UNSUBSCRIBED, careers)
    subscribe("unconfirmed@example.org", Status.PENDING, careers)
    subscribe("other.topic@example.org", Status.CONFIRMED)
    page = manager_page

    page.get_by_role("button", name="Subscribers").click()
    page.get_by_role("link", name="Subscribers", exact=True).click()
    page.wait_for_url(live_site.url + "/admin/subscribers/")
    page.get_by_role("button", name="Show filters").click()
    page.get_by_role("button", name="Topics").click()
    page.get_by_label("Career and Training Opportunities").check()
    page.wait_for_url(re.compile(rf".*interests={careers.pk}.*"))
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    assert [row["Email"] for row in rows] == ["careers.only@example.org"]
    row = rows[0]
    assert row["Status"] == "Confirmed"
    assert row["Topics"] == "Career and Training Opportunities"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", row["Signed up"])
