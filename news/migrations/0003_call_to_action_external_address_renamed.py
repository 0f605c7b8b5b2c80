# The address of page-or-address links is now `external_url` (the link value's url() gives where
# the link goes, honouring whether its page is live). Existing calls to action, in the live content and
# in every revision, get the new name; nothing else changes.

import wagtail.fields
from django.db import migrations
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import RenameStructChildrenOperation


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0002_kind_help_text'),
    ]

    operations = [
        MigrateStreamData(
            app_name="news",
            model_name="NewsPage",
            field_name="body",
            operations_and_block_paths=[
                (RenameStructChildrenOperation(old_name="url", new_name="external_url"), "call_to_action"),
            ],
        ),
        migrations.AlterField(
            model_name='newspage',
            name='body',
            field=wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 6), ('quote', 9), ('call_to_action', 13), ('document', 16)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'help_text': 'Short heading for the section below it.', 'max_length': 120}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Heading (level 2)'), ('h3', 'Subheading (level 3)')], 'help_text': "Use level 2 for main sections and level 3 inside them; don't skip levels."}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'document-link', 'ol', 'ul', 'h3', 'h4'], 'icon': 'pilcrow'}), 4: ('wagtail.images.blocks.ImageBlock', [], {'help_text': "Describe what the image shows for people who can't see it, or tick 'decorative' if it adds nothing to the text."}), 5: ('wagtail.blocks.CharBlock', (), {'max_length': 250, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('image', 4), ('caption', 5)]], {}), 7: ('wagtail.blocks.TextBlock', (), {}), 8: ('wagtail.blocks.CharBlock', (), {'help_text': "Who said it, e.g. 'Chief of EMS'.", 'required': False}), 9: ('wagtail.blocks.StructBlock', [[('quote', 7), ('attribution', 8)]], {}), 10: ('wagtail.blocks.CharBlock', (), {'help_text': "What happens on click, e.g. 'Apply now'.", 'max_length': 80}), 11: ('wagtail.blocks.PageChooserBlock', (), {'required': False}), 12: ('wagtail.blocks.URLBlock', (), {'label': 'External address', 'required': False}), 13: ('wagtail.blocks.StructBlock', [[('text', 10), ('page', 11), ('external_url', 12)]], {}), 14: ('wagtail.documents.blocks.DocumentChooserBlock', (), {}), 15: ('wagtail.blocks.CharBlock', (), {'help_text': "Link text; leave blank to use the document's title.", 'required': False}), 16: ('wagtail.blocks.StructBlock', [[('document', 14), ('title', 15)]], {})}),
        ),
    ]
