"""Only a publish that the role allows makes a page live, translations included, and only
administrators delete pages.

In a real Chromium, in the real admin: an Editor (no publish) translates a live division into
French with wagtail-localize and submits it for moderation; visitors are not offered it (its
address leads to the English page; no language switcher entry, hreflang link or sitemap entry)
until a Moderator approves it in the dashboard. The labels clicked are the ones
docs/translators.md names."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from divisions.models import DivisionIndexPage, DivisionPage
from testing.helpers import signed_in_admin_tab

FRENCH_TITLE = "Division de la formation"
ENGLISH_ADDRESS = "/divisions/training/"
FRENCH_ADDRESS = "/fr/divisions/training/"


def offered_in_french(visitor, live_url):
    """What a visitor is offered of the French translation: (where its address leads, whether
    the English page links to it, whether the sitemap lists it)."""
    response = visitor.goto(live_url + FRENCH_ADDRESS)
    landed = response.url.removeprefix(live_url)
    visitor.goto(live_url + ENGLISH_ADDRESS)
    linked = visitor.locator('[hreflang="fr"]').count() > 0
    sitemap = visitor.request.get(live_url + "/sitemap.xml").text()
    return landed, linked, FRENCH_ADDRESS in sitemap


@pytest.mark.browser
def test_an_editors_translation_stays_a_draft_until_a_moderator_approves_it(
    live_site, browser, django_user_model
):
    editor = signed_in_admin_tab(browser, live_site.url, django_user_model, "editor", "Editors")
    editor.get_by_role("button", name="Pages").click()
    editor.get_by_role("dialog", name="Page explorer").get_by_role(
        "link", name="Boston EMS English"
    ).click()
    editor.get_by_role("link", name="Explore child pages of 'Divisions'").click()
    editor.get_by_role("button", name="More options for 'Training Division'").click()
    editor.get_by_role("link", name="Translate this page").click()
    editor.get_by_role("checkbox", name="Français").check()
    editor.get_by_role("button", name="Submit").click()
    expect(editor.get_by_role("heading", name="English to Français translation")).to_be_visible()
    # wagtail-localize offers Publish only to those who may publish.
    expect(editor.get_by_role("button", name="Publish in Français")).to_have_count(0)
    title = (
        editor.get_by_role("listitem")
        .filter(has=editor.get_by_role("heading", name="Title", exact=True))
        .first
    )
    title.get_by_role("button", name="Translate").click()
    title.get_by_role("textbox").fill(FRENCH_TITLE)
    title.get_by_role("button", name="Save").click()
    expect(title.get_by_text("Translated manually")).to_be_visible()

    french = DivisionPage.objects.get(locale__language_code="fr")
    assert not french.live  # translating made a draft, not a live page
    editor.get_by_role("button", name="Submit for moderation").click()
    expect(editor.get_by_role("status")).to_contain_text(
        f"'{FRENCH_TITLE}' in Français was submitted for moderation"
    )
    editor.context.close()

    french.refresh_from_db()
    assert not french.live
    assert french.workflow_in_progress
    visitor = browser.new_page()
    assert offered_in_french(visitor, live_site.url) == (ENGLISH_ADDRESS, False, False)

    moderator = signed_in_admin_tab(
        browser, live_site.url, django_user_model, "moderator", "Moderators"
    )
    # The dashboard's "Awaiting your review": the row's Actions → Approve publishes it.
    awaiting = moderator.get_by_role("region", name="Awaiting your review")
    review = awaiting.get_by_role("row").filter(has_text=FRENCH_TITLE)
    review.get_by_role("button", name="Actions").click()
    review.get_by_role("button", name="Approve", exact=True).click()
    expect(moderator.get_by_text(FRENCH_TITLE)).to_have_count(0)
    moderator.context.close()

    french.refresh_from_db()
    assert french.live
    assert offered_in_french(visitor, live_site.url) == (FRENCH_ADDRESS, True, True)
    visitor.goto(live_site.url + FRENCH_ADDRESS)
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(FRENCH_TITLE)
    visitor.context.close()


def signed_in(django_user_model, username, group_name=None, **fields):
    user = django_user_model.objects.create_user(username, password="x" * 16, **fields)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_only_administrators_delete_pages(seeded_site, django_user_model):
    division = DivisionPage.objects.get(slug="training")
    delete_url = f"/admin/pages/{division.pk}/delete/"
    listing_url = f"/admin/pages/{DivisionIndexPage.objects.get().pk}/"
    for role in ("Moderators", "Editors"):
        client = signed_in(django_user_model, role.lower(), role)
        listing = client.get(listing_url)
        assert listing.status_code == 200
        assert delete_url not in listing.content.decode(), role
        edit = client.get(f"/admin/pages/{division.pk}/edit/").content.decode()
        assert delete_url not in edit, role
        # The admin answers "permission denied" by sending users to its dashboard.
        for response in (client.get(delete_url), client.post(delete_url)):
            assert (response.status_code, response.url) == (302, "/admin/"), role
        bulk = f"/admin/bulk/wagtailcore/page/delete/?id={division.pk}"
        client.post(bulk, {"next": listing_url})
        assert DivisionPage.objects.filter(pk=division.pk).exists(), role

    administrator = signed_in(django_user_model, "admin", is_superuser=True)
    assert re.search(re.escape(delete_url), administrator.get(listing_url).content.decode())
    assert administrator.post(delete_url).status_code == 302
    assert not DivisionPage.objects.filter(pk=division.pk).exists()


@pytest.mark.django_db
def test_syncing_translations_publishes_only_for_those_who_may_publish(
    seeded_site, django_user_model, django_capture_on_commit_callbacks
):
    from wagtail.models import Locale
    from wagtail_localize.models import TranslationSource
    from wagtail_localize.operations import translate_object

    english = DivisionPage.objects.get(slug="training")
    translate_object(english, [Locale.objects.get(language_code="fr")])
    french = DivisionPage.objects.get(locale__language_code="fr")
    assert not french.live  # a new translation is a draft
    sync = f"/admin/localize/update/{TranslationSource.objects.get_for_instance(english).pk}/"

    editor = signed_in(django_user_model, "editor", "Editors")
    checkbox = 'type="checkbox" name="publish_translations"'
    assert checkbox not in editor.get(sync).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes then
        assert editor.post(sync, {"publish_translations": "on"}).status_code == 302
    french.refresh_from_db()
    assert not french.live

    moderator = signed_in(django_user_model, "moderator", "Moderators")
    assert checkbox in moderator.get(sync).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert moderator.post(sync, {"publish_translations": "on"}).status_code == 302
    french.refresh_from_db()
    assert french.live
