"""Moving video lengths to the media library keeps every length editors typed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .factories import make_video, video_media

BEFORE = [("media_library", "0001_initial")]
AFTER = [("media_library", "0002_video_length_from_media_library")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


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
