"""Create the "Medical reviewers" group and the "Clinical sign-off" workflow with its "Clinical
review" task (bostonems_site/roles.py), so clinical guidance can be signed off on any database
without running the seed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_clinical_review(apps, schema_editor):
    from bostonems_site.roles import ensure_clinical_review

    # Permissions are normally created after all migrations ran; access_admin is needed now.
    app_config = apps.get_app_config("wagtailadmin")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    ensure_clinical_review(apps)


def remove_clinical_review(apps, schema_editor):
    from bostonems_site.roles import CLINICAL_TASK_NAME, CLINICAL_WORKFLOW_NAME, MEDICAL_REVIEWERS

    apps.get_model("wagtailcore", "Workflow").objects.filter(name=CLINICAL_WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=CLINICAL_TASK_NAME).delete()
    apps.get_model("auth", "Group").objects.filter(name=MEDICAL_REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bostonems_site", "0014_page_owner_and_review"),
        ("wagtailadmin", "0003_admin_managed"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_clinical_review, remove_clinical_review)]
