"""Video pages use the one image-with-alt-text piece every page type shares
(bostonems_site/page_image.py): the thumbnail's fields take its names, it gains 'decorative',
and drafts, history and translations follow the new names, so nothing editors wrote is lost."""

import django.db.models.deletion
from django.db import migrations, models

from bostonems_site.migration_operations import rename_page_fields_in_saved_content

RENAMES = {"thumbnail": "image", "thumbnail_alt": "image_alt"}


class Migration(migrations.Migration):
    dependencies = [
        ("media_library", "0002_video_length_from_media_library"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        *[migrations.RenameField("videopage", old, new) for old, new in RENAMES.items()],
        migrations.AddField(
            model_name="videopage",
            name="image_decorative",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="videopage",
            name="image",
            field=models.ForeignKey(
                help_text="A still picture from the video, at least 960×540 pixels (16:9). Shown on video lists, as the poster before the video plays and to search engines.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="Thumbnail",
            ),
        ),
        migrations.AlterField(
            model_name="videopage",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the picture shows, for people who can't see it. Leave blank to use the image's description from the image library.",
                max_length=250,
                verbose_name="Alt text",
            ),
        ),
        migrations.AlterField(
            model_name="videopage",
            name="image_decorative",
            field=models.BooleanField(
                default=False,
                help_text="Tick only if the picture adds nothing to the text; screen readers then skip it.",
                verbose_name="The picture is decorative",
            ),
        ),
        rename_page_fields_in_saved_content("media_library", "videopage", RENAMES),
    ]
