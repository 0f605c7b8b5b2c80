"""Editors work through the Wagtail admin's own add/edit views: publishing needs a transcript
(and captions for uploads); drafts may be incomplete; bad sources get clear form errors."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from bostonems_site.seed import sample_image
from divisions.models import DivisionPage
from media_library.models import VideoPage

from .factories import captions_document, gallery, video_media

pytestmark = pytest.mark.django_db

TRANSCRIPT = "<p>The Chief welcomes everyone to the new station.</p>"


def add_url():
    return reverse("wagtailadmin_pages:add", args=["media_library", "videopage", gallery().id])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.id])


def admin_form(admin_client, url, **fields):
    """The form exactly as the admin renders it, with `fields` filled in."""
    response = admin_client.get(url)
    assert response.status_code == 200
    form = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for name, value in fields.items():
        if isinstance(value, list):
            form.setlist(name, value)
        else:
            form[name] = value
    return form


def complete_fields(**overrides):
    fields = {
        "title": "New Ambulance Unveiled",
        "slug": "new-ambulance",
        "summary": "Boston EMS shows its newest ambulance.",
        "hosted_duration": "2:10",
        "image": str(sample_image("Ambulance still", "A new ambulance outside").id),
        "hosted_url": "https://youtu.be/dQw4w9WgXcQ",
        "transcript": rich_text(TRANSCRIPT),
    }
    fields.update(overrides)
    # None leaves the field as the admin rendered it (e.g. an empty rich text editor).
    return {name: value for name, value in fields.items() if value is not None}


def field_errors(response):
    """{field name: error text} as the admin shows them next to each field."""
    soup = BeautifulSoup(response.content, "html.parser")
    errors = {}
    for wrapper in soup.select("[data-field-wrapper]"):
        error = wrapper.select_one(".error-message")
        field = wrapper.select_one("[name]")
        if error is not None and field is not None:
            errors[field["name"]] = error.get_text(" ", strip=True)
    return errors


def test_editor_publishes_a_hosted_video(admin_client, client, seeded_site):
    fleet = DivisionPage.objects.get(slug="fleet-services")
    form = admin_form(
        admin_client,
        add_url(),
        **complete_fields(related_divisions=[str(fleet.id)], **{"action-publish": "publish"}),
    )
    response = admin_client.post(add_url(), form)
    assert response.status_code == 302, field_errors(response)
    page = VideoPage.objects.get(slug="new-ambulance")
    assert page.live
    assert page.duration.total_seconds() == 130
    html = client.get(page.url).content.decode()
    assert "Play video: New Ambulance Unveiled" in html
    assert "The Chief welcomes everyone to the new station." in html
    assert "New Ambulance Unveiled" in client.get(fleet.url).content.decode()


@pytest.mark.parametrize("action", ["action-publish", "action-submit"])
# "null" is what Draftail sends for an empty editor; None keeps the empty paragraph it renders.
@pytest.mark.parametrize("transcript", ["null", None])
def test_publishing_without_a_transcript_is_blocked(
    admin_client, video_gallery, action, transcript
):
    fields = complete_fields(transcript=transcript, **{action: "x"})
    form = admin_form(admin_client, add_url(), **fields)
    response = admin_client.post(add_url(), form)
    assert response.status_code == 200
    assert "Add a transcript before publishing" in field_errors(response)["transcript"]
    assert "could not be created due to validation errors" in response.content.decode()
    assert not VideoPage.objects.filter(slug="new-ambulance").exists()


def test_a_draft_without_transcript_or_source_can_be_saved(admin_client, client, video_gallery):
    form = admin_form(admin_client, add_url(), title="Work in progress", slug="wip")
    response = admin_client.post(add_url(), form)
    assert response.status_code == 302, field_errors(response)
    page = VideoPage.objects.get(slug="wip")
    assert not page.live
    assert client.get("/videos/wip/").status_code == 404
    assert "Work in progress" not in client.get("/videos/").content.decode()


def test_publishing_an_upload_without_captions_is_blocked_but_drafts_save(
    admin_client, client, video_gallery
):
    video = video_media()
    fields = complete_fields(hosted_url="", video_file=str(video.id))
    # A draft first: no captions yet is fine.
    response = admin_client.post(add_url(), admin_form(admin_client, add_url(), **fields))
    assert response.status_code == 302, field_errors(response)
    page = VideoPage.objects.get(slug="new-ambulance")
    assert not page.live

    form = admin_form(admin_client, edit_url(page), **{"action-publish": "publish"})
    response = admin_client.post(edit_url(page), form)
    assert response.status_code == 200
    assert "Uploaded videos need a captions file" in field_errors(response)["captions"]
    page.refresh_from_db()
    assert not page.live
    assert client.get("/videos/new-ambulance/").status_code == 404

    captions = captions_document()
    form = admin_form(
        admin_client, edit_url(page), captions=str(captions.id), **{"action-publish": "publish"}
    )
    response = admin_client.post(edit_url(page), form)
    assert response.status_code == 302, field_errors(response)
    page.refresh_from_db()
    assert page.live
    html = client.get(page.url).content.decode()
    assert f'src="{captions.url}"' in html


def test_editors_can_preview_an_incomplete_draft(admin_client, video_gallery):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["media_library", "videopage", video_gallery.id],
    )
    form = admin_form(admin_client, add_url(), title="Rough cut", slug="rough-cut")
    form.update({"hosted_url": "https://vimeo.com/76979871"})
    assert admin_client.post(preview_url, form).json()["is_valid"]
    response = admin_client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Play video: Rough cut" in html
    assert "https://player.vimeo.com/video/76979871?dnt=1" in html


def test_publishing_without_any_video_source_is_blocked(admin_client, video_gallery):
    form = admin_form(
        admin_client, add_url(), **complete_fields(hosted_url="", **{"action-publish": "p"})
    )
    response = admin_client.post(add_url(), form)
    assert response.status_code == 200
    errors = field_errors(response)
    assert "Choose an uploaded video or enter a YouTube or Vimeo address" in errors["hosted_url"]
    assert not VideoPage.objects.filter(slug="new-ambulance").exists()


def test_both_sources_at_once_are_rejected_even_for_drafts(admin_client, video_gallery):
    fields = complete_fields(video_file=str(video_media().id))
    response = admin_client.post(add_url(), admin_form(admin_client, add_url(), **fields))
    assert response.status_code == 200
    assert "not both" in field_errors(response)["hosted_url"]
    assert not VideoPage.objects.filter(slug="new-ambulance").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/watch?v=dQw4w9WgXcQ",
        "https://www.dailymotion.com/video/x7tgad0",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    ],
)
def test_other_video_hosts_get_a_clear_form_error(admin_client, video_gallery, url):
    form = admin_form(admin_client, add_url(), **complete_fields(hosted_url=url))
    response = admin_client.post(add_url(), form)
    assert response.status_code == 200
    assert "Only YouTube and Vimeo videos can be shown" in field_errors(response)["hosted_url"]
    assert not VideoPage.objects.filter(slug="new-ambulance").exists()


def test_youtube_address_without_a_video_id_gets_a_clear_error(admin_client, video_gallery):
    fields = complete_fields(hosted_url="https://www.youtube.com/@BostonEMS")
    response = admin_client.post(add_url(), admin_form(admin_client, add_url(), **fields))
    assert response.status_code == 200
    assert "does not point to a single video" in field_errors(response)["hosted_url"]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"00:00:00.000 --> 00:00:02.000\nHi\n", "no-header.vtt", 'must be "WEBVTT"'),
        (b"WEBVTT\n\n0:0:1 --> 0:0:2\nHi\n", "bad-timing.vtt", "Line 3"),
        (b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nHi\n", "captions.srt", ".srt file"),
    ],
)
def test_invalid_captions_files_are_rejected(admin_client, video_gallery, content, name, message):
    captions = captions_document(content, name=name)
    fields = complete_fields(
        hosted_url="", video_file=str(video_media().id), captions=str(captions.id)
    )
    form = admin_form(admin_client, add_url(), **fields, **{"action-publish": "publish"})
    response = admin_client.post(add_url(), form)
    assert response.status_code == 200
    assert message in field_errors(response)["captions"]
    assert not VideoPage.objects.filter(slug="new-ambulance").exists()


@pytest.mark.parametrize(
    "duration, error",
    [
        ("ten minutes", "minutes:seconds"),
        ("0:00", "at least one second"),
        ("13:00:00", "12"),
        ("", "how long the video runs"),
    ],
)
def test_hosted_video_length_is_validated(admin_client, video_gallery, duration, error):
    fields = complete_fields(hosted_duration=duration, **{"action-publish": "publish"})
    response = admin_client.post(add_url(), admin_form(admin_client, add_url(), **fields))
    assert response.status_code == 200
    assert error in field_errors(response)["hosted_duration"]


def test_thumbnail_needs_alt_text_to_publish(admin_client, video_gallery):
    from wagtail.images import get_image_model

    from bostonems_site.page_image import ALT_TEXT_MISSING

    image = sample_image("Undescribed still", "")
    get_image_model().objects.filter(pk=image.pk).update(description="")
    fields = complete_fields(image=str(image.id), **{"action-publish": "publish"})
    response = admin_client.post(add_url(), admin_form(admin_client, add_url(), **fields))
    assert response.status_code == 200
    assert ALT_TEXT_MISSING in field_errors(response)["image_alt"]
    form = admin_form(
        admin_client, add_url(), **fields, image_alt="Paramedics beside a new ambulance"
    )
    assert admin_client.post(add_url(), form).status_code == 302


def test_video_pages_only_live_in_the_gallery(video_gallery):
    from media_library.models import VideoGalleryPage

    assert VideoPage.allowed_parent_page_models() == [VideoGalleryPage]
    assert VideoPage.allowed_subpage_models() == []
    assert not VideoGalleryPage.can_create_at(video_gallery.get_parent())  # only one gallery
