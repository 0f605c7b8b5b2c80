"""Let "Newsletter managers" send pages to subscribers and follow the sending."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    from newsletter.permissions import ensure_managers_group

    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    ensure_managers_group(apps)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0003_mailings")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
