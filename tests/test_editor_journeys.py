"""In a real Chromium, in the real admin, from a fresh seed: a moderator (the role that may
publish) creates a division page with a new image, publishes a video page with an uploaded
video and its captions, and translates a division into Arabic; each journey ends with what a
visitor then sees on the public site.

Each journey is one test and clicks what an editor clicks (the labels docs/editors.md names),
so a change to the admin that would mislead the editors' guide fails here."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from divisions.models import DivisionIndexPage, DivisionPage
from media_library.models import VideoPage
from media_library.tests.test_browser import serve_media_files
from testing.helpers import signed_in_admin_tab

pytestmark = pytest.mark.browser

SEED_FILES = Path(settings.BASE_DIR) / "media_library" / "seed_files"
AUTOSAVE_TIMEOUT_MS = 30_000
ARABIC_TITLE = "قسم التدريب"
# The seed's main menu: the home page's children shown in menus, in tree order, then the
# sign-up page.
MENU_SECTIONS = [
    ("Divisions", "/divisions/"),
    ("Video & Multimedia", "/videos/"),
    ("News & Events", "/news/"),
    ("Sign up for updates", "/sign-up/"),
]


def png(width, height, name):
    """A picture file as the browser uploads it (Playwright's file payload)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(buffer, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def moderator_page(live_site, browser, django_user_model):
    """Chromium signed in, through the login form, as a user only in Moderators."""
    page = signed_in_admin_tab(browser, live_site.url, django_user_model, "moderator", "Moderators")
    serve_media_files(page, live_site.url)
    yield page
    page.context.close()


def explore(page, *titles):
    """Pages → the home page → … in the page explorer."""
    page.get_by_role("button", name="Pages").click()
    page.get_by_role("dialog", name="Page explorer").get_by_role(
        "link", name="Boston EMS English"
    ).click()
    for title in titles:
        page.get_by_role("link", name=f"Explore child pages of '{title}'").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Exploring: {title}")


def add_child_page(page):
    page.get_by_role("navigation", name="Actions").get_by_role(
        "link", name="Add child page"
    ).click()


def upload_in_chooser(page, chooser_button, upload, title, tab="Upload"):
    """Open a chooser from the page editor and upload a new file in its modal."""
    page.get_by_role("button", name=chooser_button).click()
    modal = page.get_by_role("dialog")
    modal.get_by_role("tab", name=tab).click()
    modal.get_by_label("File*").set_input_files(upload)
    modal.get_by_label("Title*").fill(title)
    modal.get_by_role("button", name="Upload").click()
    expect(modal).to_be_hidden()


def type_last_edit(page, region, text):
    """Type into a rich text field (Draftail reads key presses, not a value set on the field)
    as the last edit before publishing, and wait for the editor's own autosave to store it.

    The editor saves a draft by itself shortly after each change, and its first save turns the
    new page's form into the page's edit form. Publishing while such a save is on its way
    races it (a second page with the same slug, or a conflict), and typing while the form is
    being turned can go unsaved; an editor sees "Saved" before going on, and so does this."""
    form = page.locator("form[data-edit-form]")
    # The first save creates the page (tree, revision, search index): on a busy machine it
    # can take longer than the usual 5 s.
    expect(form).to_have_attribute(
        "action", re.compile(r"/admin/pages/\d+/edit/"), timeout=AUTOSAVE_TIMEOUT_MS
    )
    indicator = page.locator("#w-autosave-indicator")
    expect(indicator).not_to_have_attribute("data-w-autosave-state-value", "saving")
    with page.expect_response(
        lambda response: (
            response.request.method == "POST" and text in (response.request.post_data or "")
        )
    ) as autosave:
        region.get_by_role("textbox").press_sequentially(text)
    assert autosave.value.ok
    expect(form).to_have_attribute(
        "data-w-unsaved-has-edits-value", "false", timeout=AUTOSAVE_TIMEOUT_MS
    )


def publish_from_editor(page, title):
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    footer.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(f"Page '{title}' has been published.")


def test_a_moderator_creates_and_publishes_a_division_with_an_image(live_site, moderator_page):
    page = moderator_page
    explore(page, "Divisions")
    add_child_page(page)
    # Only division pages may go under Divisions, so the form opens straight away.
    expect(page.get_by_role("heading", level=1)).to_have_text("New: Division page")
    page.get_by_role("textbox", name="Title*").fill("Marine Unit")
    page.get_by_role("textbox", name="Summary*").fill(
        "Boats and crews for emergencies on Boston Harbor."
    )
    upload_in_chooser(page, "Choose an image", png(1600, 900, "harbor.png"), "Harbor boat")
    page.get_by_role("textbox", name="Alt text", exact=True).fill(
        "An EMS boat on Boston Harbor at dawn"
    )
    body = page.get_by_role("region", name="Body")
    body.get_by_role("button", name="Insert a block").click()
    body.get_by_role("option", name="Paragraph").click()
    type_last_edit(page, body, "The Marine Unit answers calls on the water all year.")
    publish_from_editor(page, "Marine Unit")

    division = DivisionPage.objects.get(slug="marine-unit")
    page.goto(live_site.url + division.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Marine Unit")
    hero = page.get_by_role("img", name="An EMS boat on Boston Harbor at dawn")
    expect(hero).to_be_visible()
    assert hero.evaluate("image => image.decode().then(() => image.naturalWidth)") > 0
    expect(page.get_by_text("The Marine Unit answers calls on the water all year.")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Divisions")).to_have_attribute("aria-current", "true")

    index = DivisionIndexPage.objects.get(locale__language_code="en")
    page.goto(live_site.url + index.url)
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Marine Unit"))
    expect(card).to_contain_text("Boats and crews for emergencies on Boston Harbor.")
    expect(card.get_by_role("link", name="Marine Unit")).to_have_attribute("href", division.url)


def test_a_moderator_uploads_a_video_with_captions_and_publishes_its_page(
    live_site, moderator_page
):
    page = moderator_page
    # The file goes into the media library first; its length is read from the file.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Media").click()
    page.get_by_role("link", name="Add video").click()
    page.get_by_label("Title*").fill("Harbor rescue drill")
    page.get_by_label("File*").set_input_files(SEED_FILES / "sample-video.mp4")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Media file 'Harbor rescue drill' added.")

    explore(page, "Video & Multimedia")
    add_child_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("New: Video page")
    page.get_by_role("textbox", name="Title*").fill("Harbor rescue drill")
    page.get_by_role("textbox", name="Description*").fill(
        "Crews practise pulling a swimmer out of Boston Harbor."
    )
    upload_in_chooser(page, "Choose an image", png(960, 540, "drill.png"), "Harbor drill still")
    page.get_by_role("textbox", name="Alt text", exact=True).fill(
        "A rescuer in a red survival suit swims to a buoy"
    )
    page.get_by_role("button", name="Choose video").click()
    page.get_by_role("dialog").get_by_role("link", name="Harbor rescue drill").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    # Captions are a WebVTT document, uploaded from the page's document chooser.
    captions = SEED_FILES / "sample-video.en.vtt"
    upload_in_chooser(page, "Choose a document", captions, "Harbor rescue drill captions")
    type_last_edit(
        page,
        page.get_by_role("region", name="Transcript*"),
        "Instructor: Swimmer in the water! Throw the line.",
    )
    publish_from_editor(page, "Harbor rescue drill")

    video = VideoPage.objects.get(slug="harbor-rescue-drill")
    page.goto(live_site.url + video.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor rescue drill")
    player = page.locator("video")
    expect(player.locator("source")).to_have_attribute("src", video.video_file.url)
    track = player.locator("track")
    expect(track).to_have_attribute("src", video.captions.url)
    expect(track).to_have_attribute("srclang", "en")
    expect(track).to_have_attribute("label", "English")
    expect(page.locator(".video-meta__duration")).to_have_text(re.compile(r"Length\s+0:08"))
    expect(page.get_by_text("Instructor: Swimmer in the water! Throw the line.")).to_be_visible()


def test_a_moderator_translates_a_division_into_arabic(live_site, moderator_page):
    page = moderator_page
    explore(page, "Divisions")
    page.get_by_role("button", name="More options for 'Training Division'").click()
    page.get_by_role("link", name="Translate this page").click()
    page.get_by_role("checkbox", name="العربية").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The page 'Training Division' was successfully submitted for translation into العربية"
    )
    # wagtail-localize's translation editor: one segment per sentence, English beside it.
    expect(page.get_by_role("heading", name="English to العربية translation")).to_be_visible()
    title = (
        page.get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name="Title", exact=True))
        .first
    )
    title.get_by_role("button", name="Translate").click()
    title.get_by_role("textbox").fill(ARABIC_TITLE)
    title.get_by_role("button", name="Save").click()
    expect(title.get_by_text("Translated manually")).to_be_visible()
    page.get_by_role("button", name="Publish in العربية").click()
    # Segments left untranslated keep the English text until someone translates them.
    expect(page.get_by_role("status")).to_contain_text(f"Published '{ARABIC_TITLE}' in العربية")

    # The translated division is served in Arabic, right to left, at its Arabic address.
    page.goto(live_site.url + "/ar/divisions/training/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
    # The menu shows every section; none is translated yet, so each is the English page,
    # marked as English, and the division's own section is the current one.
    menu = page.locator("nav.main-menu")
    links = menu.get_by_role("link")
    expect(links).to_have_count(len(MENU_SECTIONS))
    for link, (name, address) in zip(links.all(), MENU_SECTIONS, strict=True):
        expect(link).to_have_text(name)
        expect(link).to_have_attribute("href", address)
        expect(link).to_have_attribute("lang", "en")
    expect(menu.get_by_role("link", name="Divisions")).to_have_attribute("aria-current", "true")

    # The home page and the division index were copied into Arabic only as English aliases
    # (wagtail-localize needs them for the address above): they are not Arabic pages, so
    # their Arabic addresses lead to the English pages.
    for arabic, english in (("/ar/", "/"), ("/ar/divisions/", "/divisions/")):
        response = page.goto(live_site.url + arabic)
        assert response.url == live_site.url + english, arabic
        expect(html).to_have_attribute("lang", "en")
    card = page.get_by_role("listitem").filter(has_text="Training Division")
    expect(card.get_by_role("link")).to_have_attribute("href", "/divisions/training/")
