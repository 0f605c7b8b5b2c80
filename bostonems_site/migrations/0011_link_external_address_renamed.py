# The address of page-or-address links is now `external_url` (the link value's url() gives where
# the link goes, honouring whether its page is live). Existing footer links, in the live content and
# in every revision, get the new name; nothing else changes.

import wagtail.fields
from django.db import migrations
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import RenameStructChildrenOperation


class Migration(migrations.Migration):

    dependencies = [
        ('bostonems_site', '0010_site_alert_moved_to_its_app'),
    ]

    operations = [
        MigrateStreamData(
            app_name="bostonems_site",
            model_name="SiteText",
            field_name="related_links",
            operations_and_block_paths=[
                (RenameStructChildrenOperation(old_name="url", new_name="external_url"), "link"),
            ],
        ),
        migrations.AlterField(
            model_name='sitetext',
            name='related_links',
            field=wagtail.fields.StreamField([('link', 3)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'help_text': 'Link text visitors will see.', 'max_length': 120}), 1: ('wagtail.blocks.PageChooserBlock', (), {'help_text': 'A page on this site…', 'required': False}), 2: ('wagtail.blocks.URLBlock', (), {'help_text': '…or another site.', 'label': 'External address', 'required': False}), 3: ('wagtail.blocks.StructBlock', [[('title', 0), ('page', 1), ('external_url', 2)]], {})}, help_text='Links shown in the footer of every page (e.g. City of Boston).'),
        ),
    ]
