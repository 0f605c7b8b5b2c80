"""Division pages use the one image-with-alt-text piece every page type shares
(bostonems_site/page_image.py): the hero's fields take its names, and drafts, history and
translations follow them, so nothing editors wrote is lost."""

import django.db.models.deletion
from django.db import migrations, models

from bostonems_site.migration_operations import rename_page_fields_in_saved_content

RENAMES = {
    "hero_image": "image",
    "hero_image_alt": "image_alt",
    "hero_image_decorative": "image_decorative",
}


class Migration(migrations.Migration):
    dependencies = [
        ("divisions", "0008_division_icon"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        *[migrations.RenameField("divisionpage", old, new) for old, new in RENAMES.items()],
        migrations.AlterField(
            model_name="divisionpage",
            name="image",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
            ),
        ),
        migrations.AlterField(
            model_name="divisionpage",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the picture shows, for people who can't see it. Leave blank to use the image's description from the image library.",
                max_length=250,
                verbose_name="Alt text",
            ),
        ),
        migrations.AlterField(
            model_name="divisionpage",
            name="image_decorative",
            field=models.BooleanField(
                default=False,
                help_text="Tick only if the picture adds nothing to the text; screen readers then skip it.",
                verbose_name="The picture is decorative",
            ),
        ),
        rename_page_fields_in_saved_content("divisions", "divisionpage", RENAMES),
    ]
