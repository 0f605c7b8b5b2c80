"""Migrations of video pages keep what editors typed: lengths moved to the media library, and
the thumbnail moved onto the one image-with-alt-text piece every page type shares."""

from datetime import timedelta

import pytest

from testing.helpers import migrate, migrate_to_latest

from .factories import make_video, video_media

BEFORE = [("media_library", "0001_initial")]
AFTER = [("media_library", "0002_video_length_from_media_library")]


@pytest.mark.django_db(transaction=True)
def test_typed_lengths_survive_the_move_to_the_media_library(video_gallery):
    without_length = video_media("Typed on the page only", duration=0)
    with_length = video_media("Length known to the library", duration=8)
    upload = make_video(1, hosted_url="", hosted_duration=None, video_file=without_length)
    other_upload = make_video(2, hosted_url="", hosted_duration=None, video_file=with_length)
    hosted = make_video(3, hosted_duration=None)
    draft = upload.save_revision()
    hosted_revision = hosted.save_revision()

    # Back to the old schema: only the historical models fit it now.
    old = migrate(BEFORE)
    OldVideoPage = old.get_model("media_library", "VideoPage")
    OldVideoPage.objects.filter(pk=upload.pk).update(duration=timedelta(seconds=75))
    OldVideoPage.objects.filter(pk=other_upload.pk).update(duration=timedelta(seconds=99))
    OldVideoPage.objects.filter(pk=hosted.pk).update(duration=timedelta(minutes=2, seconds=10))
    OldRevision = old.get_model("wagtailcore", "Revision")
    for revision, length in [(draft, "P0DT00H01M15S"), (hosted_revision, "P0DT00H02M10S")]:
        content = dict(revision.content)
        del content["hosted_duration"]
        OldRevision.objects.filter(pk=revision.pk).update(content={**content, "duration": length})

    migrate(AFTER)
    migrate_to_latest("media_library")

    without_length.refresh_from_db()
    with_length.refresh_from_db()
    assert without_length.duration == 75
    assert with_length.duration == 8  # the library's own value wins
    upload.refresh_from_db()
    hosted.refresh_from_db()
    assert upload.hosted_duration is None
    assert upload.duration == timedelta(seconds=75)
    assert hosted.hosted_duration == timedelta(minutes=2, seconds=10)
    hosted_revision.refresh_from_db()
    assert hosted_revision.as_object().hosted_duration == timedelta(minutes=2, seconds=10)
    draft.refresh_from_db()
    assert "duration" not in draft.content


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_editors_wrote_on_pages_and_in_drafts(video_gallery):
    video = make_video(1)
    draft = video.save_revision()

    # Back to the old field names: only the historical models fit the schema then.
    old = migrate([("media_library", "0002_video_length_from_media_library")])
    old.get_model("media_library", "VideoPage").objects.filter(pk=video.pk).update(
        thumbnail_alt="Paramedics beside a new ambulance"
    )
    content = dict(draft.content)
    content["thumbnail"] = content.pop("image")
    content["thumbnail_alt"] = "Words in a draft"
    del content["image_alt"], content["image_decorative"]
    old.get_model("wagtailcore", "Revision").objects.filter(pk=draft.pk).update(content=content)

    migrate_to_latest("media_library")

    video.refresh_from_db()
    assert video.image_alt == "Paramedics beside a new ambulance"
    assert video.image_alt_text == "Paramedics beside a new ambulance"
    draft.refresh_from_db()
    assert draft.as_object().image_alt == "Words in a draft"
    assert draft.as_object().image_id == video.image_id
