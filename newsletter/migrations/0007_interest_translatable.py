"""Interest becomes a TranslatableMixin model: every row now has a locale and a translation key
(0006 filled them in), names and slugs are unique per language."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0006_bootstrap_interest_translations'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='interest',
            name='locale',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wagtailcore.locale', verbose_name='locale'),
        ),
        migrations.AlterField(
            model_name='interest',
            name='name',
            field=models.CharField(help_text='The topic as visitors see it next to its checkbox, e.g. "News and Events".', max_length=100),
        ),
        migrations.AlterField(
            model_name='interest',
            name='slug',
            field=models.SlugField(blank=True, help_text="Short code sent by the form; filled in from the name when left empty. Avoid changing it: forms already open in visitors' browsers would send the old one. Translations always use the English topic's code.", max_length=100),
        ),
        migrations.AlterField(
            model_name='interest',
            name='translation_key',
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name='interest',
            unique_together={('locale', 'name'), ('locale', 'slug'), ('translation_key', 'locale')},
        ),
    ]
