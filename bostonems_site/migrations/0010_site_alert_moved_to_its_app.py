# Site alerts now belong to the site_alerts app, which took over the same table (see
# site_alerts/migrations/0001_initial.py): forget the model here without touching the table.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bostonems_site", "0009_site_settings_without_wording"),
        ("site_alerts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteAlert")],
        ),
    ]
