# Site-wide wording moves to the translatable SiteText; the site alert becomes a translatable
# snippet. Step 1 of 3: new table and nullable columns (data is copied in 0008).
import uuid

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bostonems_site", "0006_related_links_translatable"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("emergency_text", models.CharField(default="In an emergency, call 9-1-1", help_text="Shown prominently in every page footer; links to 911.", max_length=120)),
                ("related_links", wagtail.fields.StreamField([("link", 3)], blank=True, block_lookup={0: ("wagtail.blocks.CharBlock", (), {"help_text": "Link text visitors will see.", "max_length": 120}), 1: ("wagtail.blocks.PageChooserBlock", (), {"help_text": "A page on this site…", "required": False}), 2: ("wagtail.blocks.URLBlock", (), {"help_text": "…or another site.", "label": "External address", "required": False}), 3: ("wagtail.blocks.StructBlock", [[("title", 0), ("page", 1), ("url", 2)]], {})}, help_text="Links shown in the footer of every page (e.g. City of Boston).")),
                ("not_found_heading", models.CharField(default="Page not found", help_text="Heading of the page visitors see when an address doesn't exist.", max_length=120, verbose_name="'Page not found' heading")),
                ("not_found_message", models.TextField(default="The page you asked for isn't here. It may have moved, or the address may be mistyped. Try a search, or start again from the home page.", help_text="Shown under the heading, above a search box and a link to the home page.", verbose_name="'Page not found' message")),
                ("locale", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="wagtailcore.locale", verbose_name="locale")),
            ],
            options={
                "verbose_name": "site-wide text",
                "verbose_name_plural": "site-wide text",
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.AddField(
            model_name="sitealert",
            name="locale",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="wagtailcore.locale", verbose_name="locale"),
        ),
        migrations.AddField(
            model_name="sitealert",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sitealert",
            name="wording_changed_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
    ]
