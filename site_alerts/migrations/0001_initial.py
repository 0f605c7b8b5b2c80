# Site alerts moved here from the core app (bostonems_site). The table stays where it is
# (Meta.db_table), so this migration only tells Django the model now belongs to this app, and
# renames its content type: permissions (the Moderators role), admin history and
# wagtail-localize's translation records all point at the content type, so they follow the
# model instead of being orphaned. bostonems_site's next migration forgets the model.
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(old_app, new_app):
    def rename(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        content_types = ContentType.objects.using(schema_editor.connection.alias)
        if not content_types.filter(app_label=new_app, model="sitealert").exists():
            content_types.filter(app_label=old_app, model="sitealert").update(app_label=new_app)

    return rename


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bostonems_site", "0009_site_settings_without_wording"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SiteAlert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('translation_key', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('link_url', models.URLField(blank=True, help_text='…or another website.', verbose_name='External address')),
                        ('enabled', models.BooleanField(default=False, help_text='Tick to show the alert on every page (between the start and end times).', verbose_name='Show the alert')),
                        ('level', models.CharField(choices=[('info', 'Information (blue)'), ('urgent', 'Urgent (red)')], default='info', help_text="Urgent alerts are red; use them only when people's safety is concerned.", max_length=10)),
                        ('title', models.CharField(help_text="A short heading, e.g. 'Snow emergency in effect'.", max_length=120)),
                        ('message', models.TextField(help_text='One or two sentences telling visitors what to do.', max_length=600)),
                        ('link_text', models.CharField(blank=True, help_text="Text of the link, e.g. 'Read the full advisory'.", max_length=80)),
                        ('starts_at', models.DateTimeField(blank=True, help_text='Leave blank to show it straight away.', null=True, verbose_name='Start')),
                        ('ends_at', models.DateTimeField(blank=True, help_text="The alert disappears by itself at this time. Leave blank to show it until you untick 'Show the alert'.", null=True, verbose_name='End')),
                        ('wording_changed_at', models.DateTimeField(editable=False, null=True)),
                        ('link_page', models.ForeignKey(blank=True, help_text='A page on this site…', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
                        ('locale', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wagtailcore.locale', verbose_name='locale')),
                    ],
                    options={
                        'verbose_name': 'site alert',
                        'db_table': 'bostonems_site_sitealert',
                        'ordering': ['-enabled', 'starts_at', 'pk'],
                        'abstract': False,
                        'unique_together': {('translation_key', 'locale')},
                    },
                ),
            ],
        ),
        migrations.RunPython(
            rename_content_type("bostonems_site", "site_alerts"),
            rename_content_type("site_alerts", "bostonems_site"),
        ),
    ]
