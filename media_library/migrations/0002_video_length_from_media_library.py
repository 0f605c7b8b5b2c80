"""Uploaded videos take their length from the media library (read from the file there), so
video pages keep a typed length only for YouTube and Vimeo videos: `duration` becomes
`hosted_duration`. Nothing typed is lost: an upload's length moves to its media item when that
had none, in pages and in their saved revisions (drafts) alike."""

import datetime

import django.core.validators
from django.db import migrations, models
from django.utils.dateparse import parse_duration


def _give_length_to_media(media, length):
    if media is not None and not media.duration and length:
        media.duration = length.total_seconds()
        media.save(update_fields=["duration"])


def move_upload_lengths_to_media(apps, schema_editor):
    VideoPage = apps.get_model("media_library", "VideoPage")
    uploads = VideoPage.objects.filter(video_file__isnull=False)
    for page in uploads.exclude(hosted_duration=None).select_related("video_file"):
        _give_length_to_media(page.video_file, page.hosted_duration)
    uploads.update(hosted_duration=None)


def rename_length_in_revisions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    Media = apps.get_model("wagtailmedia", "Media")
    video_page = ContentType.objects.filter(app_label="media_library", model="videopage").first()
    if video_page is None:
        return  # a new database: no pages, no revisions
    for revision in Revision.objects.filter(content_type=video_page).iterator():
        content = revision.content
        if "duration" not in content:
            continue
        length = content.pop("duration")
        if content.get("video_file"):
            parsed = parse_duration(length) if isinstance(length, str) else None
            _give_length_to_media(Media.objects.filter(pk=content["video_file"]).first(), parsed)
        else:
            content["hosted_duration"] = length
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("media_library", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [
        migrations.RenameField("videopage", "duration", "hosted_duration"),
        migrations.AlterField(
            model_name="videopage",
            name="hosted_duration",
            field=models.DurationField(
                blank=True,
                help_text="How long the video runs: minutes:seconds (2:10) or "
                "hours:minutes:seconds (1:02:10).",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.timedelta(seconds=1), "A video lasts at least one second."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.timedelta(seconds=43200), "A video can last at most 12 hours."
                    ),
                ],
                verbose_name="Length of the YouTube or Vimeo video",
            ),
        ),
        # Data after the schema changes: PostgreSQL refuses to alter a table it has pending
        # updates for in the same transaction.
        migrations.RunPython(move_upload_lengths_to_media, migrations.RunPython.noop),
        migrations.RunPython(rename_length_in_revisions, migrations.RunPython.noop),
    ]
