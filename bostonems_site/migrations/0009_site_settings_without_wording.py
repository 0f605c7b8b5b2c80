# Step 3 of 3: the wording now lives in SiteText; alerts are no longer per-site settings.
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bostonems_site", "0008_copy_site_text_and_alerts"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="sitesettings", name="emergency_text"),
        migrations.RemoveField(model_name="sitesettings", name="not_found_heading"),
        migrations.RemoveField(model_name="sitesettings", name="not_found_message"),
        migrations.RemoveField(model_name="sitesettings", name="related_links"),
        migrations.RemoveField(model_name="sitealert", name="site"),
        migrations.AlterField(
            model_name="sitealert",
            name="locale",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="wagtailcore.locale", verbose_name="locale"),
        ),
        migrations.AlterField(
            model_name="sitealert",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="sitealert",
            name="link_page",
            field=models.ForeignKey(blank=True, help_text="A page on this site…", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL),
        ),
        migrations.AlterField(
            model_name="sitealert",
            name="message",
            field=models.TextField(help_text="One or two sentences telling visitors what to do.", max_length=600),
        ),
        migrations.AlterField(
            model_name="sitealert",
            name="title",
            field=models.CharField(help_text="A short heading, e.g. 'Snow emergency in effect'.", max_length=120),
        ),
        migrations.AlterModelOptions(
            name="sitealert",
            options={"ordering": ["-enabled", "starts_at", "pk"], "verbose_name": "site alert"},
        ),
        migrations.AlterUniqueTogether(
            name="sitealert",
            unique_together={("translation_key", "locale")},
        ),
    ]
