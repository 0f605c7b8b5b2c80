"""Data-migration steps shared by several apps' migrations (the core's and divisions' related
links became translatable the same way). It stays at this path because the migration files
import it from here."""

import uuid
from collections import defaultdict

from django.conf import settings
from django.db import migrations


def translate_page_children(model_label):
    """Give each existing row of a page's child model (e.g. related links) the locale of its
    page, and the same translation_key as the row at the same position on the page's source
    (default-language) version, so wagtail-localize pairs a translation's links with the
    originals. Nothing is deleted or changed besides the two new columns."""

    def forwards(apps, schema_editor):
        model = apps.get_model(model_label)
        Locale = apps.get_model("wagtailcore.Locale")
        default_locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        rows_by_page = defaultdict(list)
        for row in model.objects.select_related("page").order_by("sort_order", "pk"):
            rows_by_page[row.page].append(row)
        pages_by_key = defaultdict(list)
        for page in rows_by_page:
            pages_by_key[page.translation_key].append(page)
        for pages in pages_by_key.values():
            # The source comes first: the default-language page, else the oldest.
            pages.sort(
                key=lambda page: (page.locale_id != getattr(default_locale, "pk", None), page.pk)
            )
            source_keys = [uuid.uuid4() for _ in rows_by_page[pages[0]]]
            for page in pages:
                for position, row in enumerate(rows_by_page[page]):
                    row.locale_id = page.locale_id
                    row.translation_key = (
                        source_keys[position] if position < len(source_keys) else uuid.uuid4()
                    )
                    row.save(update_fields=["locale", "translation_key"])

    return migrations.RunPython(forwards, migrations.RunPython.noop)
