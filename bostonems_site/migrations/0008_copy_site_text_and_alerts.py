# Step 2 of 3: copy the footer and 'page not found' wording of the default site's settings into
# the English SiteText, and give existing alerts the default locale. Nothing an editor wrote is
# dropped: only never-used blank alert rows (created automatically by the old settings page).
import uuid

from django.conf import settings
from django.db import migrations
from django.utils import timezone

WORDING = ("emergency_text", "related_links", "not_found_heading", "not_found_message")


def forwards(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    SiteSettings = apps.get_model("bostonems_site.SiteSettings")
    SiteText = apps.get_model("bostonems_site.SiteText")
    SiteAlert = apps.get_model("bostonems_site.SiteAlert")
    locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    if locale is None:
        return
    site_settings = (
        SiteSettings.objects.order_by("-site__is_default_site", "pk").first()
    )
    if site_settings is not None and not SiteText.objects.filter(locale=locale).exists():
        SiteText.objects.create(
            locale=locale,
            translation_key=uuid.uuid4(),
            **{name: getattr(site_settings, name) for name in WORDING},
        )
    SiteAlert.objects.filter(enabled=False, title="", message="").delete()
    for alert in SiteAlert.objects.all():
        alert.locale = locale
        alert.translation_key = uuid.uuid4()
        alert.wording_changed_at = timezone.now()
        alert.title = alert.title or "Alert"
        alert.message = alert.message or alert.title
        alert.save(update_fields=["locale", "translation_key", "wording_changed_at", "title", "message"])


class Migration(migrations.Migration):
    dependencies = [("bostonems_site", "0007_site_text_and_translatable_alerts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
