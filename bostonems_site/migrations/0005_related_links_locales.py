from django.db import migrations

from bostonems_site.migration_operations import translate_page_children


class Migration(migrations.Migration):
    dependencies = [("bostonems_site", "0004_related_links_translatable_fields")]

    operations = [translate_page_children("bostonems_site.homepagerelatedlink")]
