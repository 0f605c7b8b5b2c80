"""In a real Chromium, in the real admin, each as a role with only its own permissions: a
moderator gives a page an owner and finds it in the overdue report once its date has passed;
a clinical page waits for a medical reviewer's approval before it goes live; a translator (an
Editor: edits and translates, does not publish) finds a Spanish page left behind by an English
edit in the translation report, updates it, and it leaves the report once it is live; a visitor
answers "No" with a reason and the feedback report shows it; Wagtail's content checks (the
editor's Checks panel: axe in the page preview, word count, readability) run under the admin's
Content-Security-Policy."""

import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from divisions.models import DivisionPage
from standard_pages.models import StandardPage
from testing.helpers import CSP_VIOLATION_WATCH, signed_in_admin_tab, translated_division

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator_page(live_site, browser, django_user_model):
    page = signed_in_admin_tab(browser, live_site.url, django_user_model, "moira", "Moderators")
    yield page
    page.context.close()


def open_more_actions(page):
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    return footer


def test_a_moderator_sets_an_owner_and_finds_the_page_overdue_once_its_date_passes(
    live_site, moderator_page
):
    page = moderator_page
    privacy = StandardPage.objects.get(slug="privacy")
    page.goto(f"{live_site.url}/admin/pages/{privacy.pk}/edit/")
    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("Owner (person)").select_option(label="moira")
    open_more_actions(page).get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("has been published")

    privacy.refresh_from_db()
    assert privacy.owner_user.username == "moira"
    assert privacy.review_by > timezone.localdate()  # publishing set the next review
    # Time passes: the review date is yesterday.
    privacy.review_by = timezone.localdate() - timezone.timedelta(days=1)
    privacy.save(update_fields=["review_by"])

    page.goto(live_site.url + "/admin/")
    health = page.get_by_role("region", name="Content health")
    health.get_by_role("link", name="Pages due for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pages due for review")
    page.get_by_role("button", name="Show filters").click()
    page.get_by_role("button", name="Owner").click()
    page.get_by_label("Owner").select_option(label="moira")
    expect(page).to_have_url(re.compile(r"owner=user"))
    row = page.get_by_role("row").filter(has_text=privacy.title)
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("moira")
    expect(page.get_by_role("row")).to_have_count(2)  # the heading row and this page


def test_clinical_guidance_waits_for_a_medical_reviewer(
    live_site, browser, moderator_page, django_user_model
):
    page = moderator_page
    division = DivisionPage.objects.get(slug="field-operations", locale__language_code="en")
    page.goto(f"{live_site.url}/admin/pages/{division.pk}/edit/")
    page.get_by_role("textbox", name="Summary*").fill("Chest pain: call 9-1-1 at once.")
    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("Clinical guidance").check()
    footer = open_more_actions(page)
    footer.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("has been updated")

    # Now clinical guidance: the moderator may submit it but not publish it.
    footer = open_more_actions(page)
    expect(footer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    footer.get_by_role("button", name="Submit to Clinical sign-off").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    division.refresh_from_db()
    assert division.summary != "Chest pain: call 9-1-1 at once."  # not live yet

    reviewer = signed_in_admin_tab(
        browser, live_site.url, django_user_model, "dr-ortiz", "Medical reviewers"
    )
    try:
        awaiting = reviewer.get_by_role("region", name=re.compile("Awaiting your review"))
        awaiting.get_by_role("link", name=division.title).first.click()
        footer = reviewer.get_by_role("navigation", name="Actions (footer)")
        footer.get_by_role("button", name="More actions").click()
        footer.get_by_role("button", name="Approve and Publish").click()
        # The confirmation says what happened: published, not merely "updated".
        status = reviewer.get_by_role("status")
        expect(status).to_contain_text(f"Page '{division.title}' has been published.")
        expect(status).not_to_contain_text("has been updated")
        expect(status).not_to_contain_text("permission")  # back on their own dashboard
        expect(reviewer).to_have_url(live_site.url + "/admin/")
    finally:
        reviewer.context.close()

    division.refresh_from_db()
    assert division.summary == "Chest pain: call 9-1-1 at once."
    assert division.clinically_reviewed_on == timezone.localdate()
    page.goto(live_site.url + division.url)
    expect(page.locator(".about-page")).to_contain_text(
        "Clinically reviewed by the Office of the Medical Director on"
    )


def translation_report(page, live_url, language):
    page.goto(live_url + "/admin/")
    page.get_by_role("region", name="Content health").get_by_role(
        "link", name="Translation health"
    ).click()
    page.get_by_label("Language").select_option(label=language)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_label("Language")).to_have_value(re.compile("."))
    return page.get_by_role("row")


def test_a_translator_updates_an_out_of_date_spanish_page_and_it_leaves_the_report(
    live_site, browser, moderator_page, django_user_model
):
    spanish = translated_division("es", "División de Formación")
    english = DivisionPage.objects.get(slug="training", locale__language_code="en")
    english.save_revision().publish()  # the English changed after the Spanish

    translator = signed_in_admin_tab(browser, live_site.url, django_user_model, "tomas", "Editors")
    try:
        rows = translation_report(translator, live_site.url, "Español")
        row = rows.filter(has_text=english.title)
        expect(row).to_contain_text("Out of date")
        row.get_by_role("link", name=re.compile("Open the translation")).click()
        translator.get_by_role("textbox", name="Summary*").fill("Formación continua, revisada.")
        footer = open_more_actions(translator)
        footer.get_by_role("button", name="Submit to Moderators approval").click()
        expect(translator.get_by_role("status")).to_contain_text("submitted")
        # Visitors still read the old Spanish until it is approved: still out of date.
        rows = translation_report(translator, live_site.url, "Español")
        expect(rows.filter(has_text=english.title)).to_contain_text("Out of date")

        # A moderator approves it from the dashboard, as docs/translators.md says.
        awaiting = moderator_page.get_by_role("region", name="Awaiting your review")
        moderator_page.reload()
        review = awaiting.get_by_role("row").filter(has_text=spanish.title)
        review.get_by_role("button", name="Actions").click()
        review.get_by_role("button", name="Approve", exact=True).click()
        expect(awaiting.get_by_text(spanish.title)).to_have_count(0)

        rows = translation_report(translator, live_site.url, "Español")
        expect(rows.filter(has_text=english.title)).to_have_count(0)
    finally:
        translator.context.close()
    spanish.refresh_from_db()
    assert spanish.live and spanish.summary == "Formación continua, revisada."


def test_a_visitor_answers_no_with_a_reason_and_the_report_shows_it(
    live_site, browser_page, moderator_page
):
    visitor = browser_page
    division = DivisionPage.objects.get(slug="field-operations", locale__language_code="en")
    visitor.goto(live_site.url + division.url)
    feedback = visitor.get_by_role("group", name="Was this page helpful?")
    feedback.get_by_role("button", name="No").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you for your answer")
    visitor.get_by_label("It is out of date or wrong").check()
    visitor.get_by_label("Anything else? (optional)").fill("The phone number has changed.")
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")

    page = moderator_page
    page.goto(live_site.url + "/admin/")
    health = page.get_by_role("region", name="Content health")
    health.get_by_role("link", name="Page feedback").click()
    row = page.get_by_role("row").filter(has_text=division.title)
    expect(row).to_contain_text("It is out of date or wrong")
    expect(row).to_contain_text("The phone number has changed.")
    expect(row).to_contain_text("0 / 1")


def test_the_editors_checks_panel_runs_its_content_checks_under_the_admin_csp(
    live_site, moderator_page
):
    page = moderator_page
    page.context.add_init_script(CSP_VIOLATION_WATCH)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message))
    division = DivisionPage.objects.get(slug="field-operations", locale__language_code="en")
    # A draft that opens with a Subheading (level 3) straight under the page's title: the slip
    # the block's help text warns about.
    division.body = json.dumps(
        [{"type": "heading", "value": {"text": "Where we are", "level": "h3"}}]
    )
    division.save_revision()

    page.goto(f"{live_site.url}/admin/pages/{division.pk}/edit/")
    page.get_by_role("button", name="Toggle checks").click()
    checks = page.locator("[data-side-panel='checks']")
    # The checks wait for the preview to render; on a busy machine that takes seconds.
    expect(checks.locator("[data-content-word-count]")).to_have_text(
        re.compile(r"^[1-9]\d*$"), timeout=30_000
    )
    expect(checks.locator("[data-content-readability-score]")).to_have_text(
        re.compile("^(Good|Fair|Complex)$")
    )
    # axe ran in the preview and found the slip.
    expect(checks).to_contain_text("Incorrect heading hierarchy")
    expect(checks.locator("[data-content-checker-count]")).not_to_have_text("0")
    assert {frame.url: frame.evaluate("window.__cspViolations") for frame in page.frames} == {
        frame.url: [] for frame in page.frames
    }
    # Wagtail itself logs what axe found ("axe.run results") as an error; nothing else may fail.
    assert [m.text for m in console_errors if not m.text.startswith("axe.run results")] == []
