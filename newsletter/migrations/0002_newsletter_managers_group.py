"""Create the "Newsletter managers" group with exactly the permissions it needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_group(apps, schema_editor):
    from newsletter.permissions import MANAGE_SUBSCRIBERS_AND_TOPICS, ensure_managers_group

    # Permissions are normally created after all migrations ran; create ours now.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    ensure_managers_group(apps, MANAGE_SUBSCRIBERS_AND_TOPICS)


def remove_group(apps, schema_editor):
    from newsletter.permissions import MANAGERS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=MANAGERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("wagtailadmin", "0003_admin_managed"),
        # These grant "choose" permissions to every group with admin access; run them first so
        # the managers group ends up with exactly MANAGER_PERMISSIONS.
        ("wagtaildocs", "0011_add_choose_permissions"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
