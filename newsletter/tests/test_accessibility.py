"""The whole visitor journey in a real Chromium at 1280 and 320 px: sign up (with a mistake
first), check your email, confirm, change topics, unsubscribe. axe must find nothing on any
step. The home page with its sidebar box is checked by divisions/tests/test_accessibility.py."""

import re

import pytest
from django.core import mail

from newsletter.models import Subscriber
from newsletter.tests.conftest import TEXTS
from testing.helpers import assert_accessible, axe_violations, page_checks

pytestmark = pytest.mark.browser


def assert_current_page_accessible(page):
    violations = axe_violations(page)
    assert violations == [], f"axe on {page.url} at {page.viewport_size['width']}px: {violations}"
    facts = page_checks(page)
    assert facts["h1Count"] == 1 and facts["mainCount"] == 1, page.url
    assert facts["firstFocusable"] == "#main-content", page.url
    assert not facts["horizontalOverflow"], f"{page.url} scrolls sideways"


def test_signup_journey_is_accessible(live_site, browser_page, settings, run_worker):
    page = browser_page
    base = live_site.url
    settings.WAGTAILADMIN_BASE_URL = base  # emailed links lead to this test server
    assert_accessible(page, f"{base}/sign-up/")

    # A mistake: nothing filled in. The error state comes back with focus on its summary.
    page.get_by_role("button", name=TEXTS.button_label).click()
    page.wait_for_url(f"{base}/newsletter/signup/")
    assert page.evaluate("document.activeElement.id") == "newsletter-error-summary-title"
    assert page.locator("[data-error-summary] a").all_inner_texts() == [
        TEXTS.error_email_required,
        TEXTS.error_interests_required,
    ]
    assert_current_page_accessible(page)

    page.get_by_label(TEXTS.email_label).fill("Browser.User@Example.org")
    page.get_by_label("News and Events").check()
    page.get_by_role("button", name=TEXTS.button_label).click()
    page.wait_for_url(f"{base}/newsletter/check-your-email/")
    assert page.locator("h1").inner_text() == TEXTS.thank_you_heading
    assert_current_page_accessible(page)

    # The background worker sends the confirmation email; its link confirms nothing by itself.
    run_worker()
    confirm_url = re.search(r"http://\S+/newsletter/confirm/\S+/", mail.outbox[-1].body).group(0)
    assert confirm_url.startswith(base)
    assert_accessible(page, confirm_url)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    page.get_by_role("button", name=TEXTS.confirm_button_label).click()
    page.wait_for_url(re.compile(r".*/newsletter/preferences/.+"))
    assert page.get_by_role("status").inner_text() == TEXTS.confirmed_message
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert_current_page_accessible(page)

    page.get_by_label("Career and Training Opportunities").check()
    page.get_by_role("button", name=TEXTS.save_button_label).click()
    assert page.get_by_role("status").inner_text() == TEXTS.saved_message
    assert Subscriber.objects.get().interests.count() == 2

    page.get_by_role("button", name=TEXTS.unsubscribe_button_label).click()
    assert page.get_by_role("status").inner_text() == TEXTS.unsubscribed_message
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert_current_page_accessible(page)


def test_home_sidebar_signup_works_without_javascript(live_site, browser, run_worker):
    from testing.helpers import VIEWPORTS

    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{live_site.url}/")
    box = page.locator("aside form")
    box.get_by_label(TEXTS.email_label).fill("no.script@example.org")
    box.get_by_label("Career and Training Opportunities").check()
    box.get_by_role("button", name=TEXTS.button_label).click()
    page.wait_for_url(f"{live_site.url}/newsletter/check-your-email/")
    context.close()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "no.script@example.org"
    assert subscriber.source == "/"
    assert [i.name for i in subscriber.interests.all()] == ["Career and Training Opportunities"]
    run_worker()
    assert len(mail.outbox) == 1
