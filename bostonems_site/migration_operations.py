"""Data-migration steps shared by several apps' migrations (the core's and divisions' related
links became translatable the same way). It stays at this path because the migration files
import it from here."""

import json
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


# wagtail-localize's namespace for the ids of translation contexts (TranslationContext.path_id).
TRANSLATION_CONTEXT_NAMESPACE = uuid.UUID("fcab004a-2b50-11ea-978f-2e728ce88125")


def rename_page_fields_in_saved_content(app_label, model_name, renames):
    """After RenameField on a page model: rename the fields in what Wagtail and wagtail-localize
    saved under the old names, so nothing an editor or translator wrote is lost. Drafts and
    history (revisions) would otherwise reopen with those fields empty; the translation sources
    would not match the page; and translated text would no longer be found for its field."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes.ContentType")
        content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if content_type is None:
            return  # a new database: nothing was saved yet

        def renamed(content):
            return {renames.get(key, key): value for key, value in content.items()}

        Revision = apps.get_model("wagtailcore.Revision")
        for revision in Revision.objects.filter(content_type=content_type).iterator():
            revision.content = renamed(revision.content)
            revision.save(update_fields=["content"])
        if not apps.is_installed("wagtail_localize"):
            return
        TranslationSource = apps.get_model("wagtail_localize.TranslationSource")
        sources = TranslationSource.objects.filter(specific_content_type=content_type)
        for source in sources:
            source.content_json = json.dumps(renamed(json.loads(source.content_json)))
            source.save(update_fields=["content_json"])
        TranslationContext = apps.get_model("wagtail_localize.TranslationContext")
        contexts = TranslationContext.objects.filter(
            object__in=sources.values("object"), path__in=list(renames)
        )
        for context in contexts:
            new = renames[context.path]
            if context.field_path == context.path:
                context.field_path = new
            context.path = new
            context.path_id = uuid.uuid5(TRANSLATION_CONTEXT_NAMESPACE, new)
            context.save(update_fields=["path", "field_path", "path_id"])

    return migrations.RunPython(forwards, migrations.RunPython.noop)
