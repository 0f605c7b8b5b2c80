"""Existing topics become the default-locale (English) source rows, each with its own
translation key, so subscribers' topics and mailings keep pointing at the same rows (Wagtail's
"Adding TranslatableMixin to an existing model" path)."""

from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0005_interest_translatable_fields"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [BootstrapTranslatableModel("newsletter.Interest")]
