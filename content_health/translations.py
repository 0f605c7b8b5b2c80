"""Translation health: for one language, every English page and translatable snippet (site
alerts, newsletter topics) as translated, missing or out of date, with where to fix it.

Out of date means the translation no longer shows the current English: either the English was
changed after its text was last sent to translators (wagtail-localize's TranslationSource,
refreshed by "Sync translated pages/snippets"), or it was synced and the translation has not
been published since (the Translation's destination_last_updated_at). A translation made
outside wagtail-localize has no such record and counts as out of date when the English was
published after it."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from newsletter.models import Interest
from site_alerts.models import SiteAlert

TRANSLATED, MISSING, OUT_OF_DATE = "Translated", "Missing", "Out of date"


@dataclass
class TranslationRow:
    kind: str
    title: str
    status: str
    url: str


def _snippet_models():

    return [(SiteAlert, "Site alert"), (Interest, "Newsletter topic")]


def _changed_at(item):
    """When visitors last saw the English change (None: unknown)."""
    return getattr(item, "last_published_at", None) or getattr(item, "wording_changed_at", None)


def translation_rows(language_code):
    """Every English page and translatable snippet with its status in `language_code`."""
    source_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    target_locale = Locale.objects.get(language_code=language_code)
    sources = {
        (source.object_id, source.specific_content_type_id): source
        for source in TranslationSource.objects.filter(locale=source_locale)
    }
    translations = {
        translation.source_id: translation
        for translation in Translation.objects.filter(target_locale=target_locale, enabled=True)
    }
    groups = [
        (
            "Page",
            Page.objects.live().filter(locale=source_locale, depth__gt=1).order_by("path"),
            {p.translation_key: p for p in Page.objects.filter(locale=target_locale)},
        )
    ]
    for model, label in _snippet_models():
        groups.append(
            (
                label,
                model.objects.filter(locale=source_locale),
                {s.translation_key: s for s in model.objects.filter(locale=target_locale)},
            )
        )
    rows = []
    for kind, english_items, targets in groups:
        for item in english_items:
            content_type = ContentType.objects.get_for_model(
                item.specific_class if kind == "Page" else type(item)
            )
            target = targets.get(item.translation_key)
            source = sources.get((item.translation_key, content_type.pk))
            translation = translations.get(source.pk) if source else None
            status = status_of(item, target, source, translation)
            rows.append(TranslationRow(kind, str(item), status, fix_url(kind, item, target)))
    return rows


def status_of(english, target, source, translation):
    return quick_status(
        _changed_at(english),
        _changed_at(target) if target is not None else None,
        target is not None,
        source.last_updated_at if source is not None else None,
        translation is not None,
        translation.destination_last_updated_at if translation is not None else None,
    )


def fix_url(kind, english, target):
    """The translation editor for a translation; the Translate form when there is none."""
    if kind == "Page":
        if target is not None:
            return reverse("wagtailadmin_pages:edit", args=[target.pk])
        return reverse("wagtail_localize:submit_page_translation", args=[english.pk])
    meta = type(english)._meta
    if target is not None:
        return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[target.pk])
    return reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[meta.app_label, meta.model_name, english.pk],
    )


def counts_per_language():
    """{language name: {status: count}} for every language but English (the dashboard
    panel): the same statuses as `translation_rows`, read in a few queries for all languages
    at once (a query per language and kind of content was too slow with ×10 content)."""
    source_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    locales = list(Locale.objects.exclude(pk=source_locale.pk).order_by("pk"))
    sources = {
        (object_id, content_type_id): (pk, updated)
        for pk, object_id, content_type_id, updated in TranslationSource.objects.filter(
            locale=source_locale
        ).values_list("pk", "object_id", "specific_content_type_id", "last_updated_at")
    }
    destinations = {
        (source_id, locale_id): updated
        for source_id, locale_id, updated in Translation.objects.filter(enabled=True).values_list(
            "source_id", "target_locale_id", "destination_last_updated_at"
        )
    }
    kinds = [(Page.objects.filter(depth__gt=1), "last_published_at", True)]
    kinds += [(model.objects.all(), _changed_field(model), False) for model, _ in _snippet_models()]
    counts = {locale.get_display_name(): dict.fromkeys(STATUSES, 0) for locale in locales}
    for queryset, changed_field, is_page in kinds:
        fields = ["translation_key", "locale_id", changed_field] if changed_field else None
        content_type = None if is_page else ContentType.objects.get_for_model(queryset.model)
        columns = (fields or ["translation_key", "locale_id"]) + (
            ["content_type_id"] if is_page else []
        )
        english, others = [], {}
        rows = queryset.live() if is_page else queryset
        if is_page:
            rows = rows | Page.objects.filter(depth__gt=1).exclude(locale=source_locale)
        for row in rows.values(*columns):
            if row["locale_id"] == source_locale.pk:
                english.append(row)
            else:
                others[(row["translation_key"], row["locale_id"])] = row
        for item in english:
            type_id = item["content_type_id"] if is_page else content_type.pk
            source_pk, source_updated = sources.get(
                (item["translation_key"], type_id), (None, None)
            )
            changed = item.get(changed_field) if changed_field else None
            for locale in locales:
                target = others.get((item["translation_key"], locale.pk))
                status = quick_status(
                    changed,
                    target.get(changed_field) if target and changed_field else None,
                    target is not None,
                    source_updated,
                    (source_pk, locale.pk) in destinations,
                    destinations.get((source_pk, locale.pk)),
                )
                counts[locale.get_display_name()][status] += 1
    return counts


STATUSES = (TRANSLATED, MISSING, OUT_OF_DATE)


def _changed_field(model):
    return "wording_changed_at" if hasattr(model, "wording_changed_at") else None


def quick_status(changed, target_changed, exists, source_updated, has_translation, destination):
    """A translation's status from plain values: when the English and the translation last
    changed, whether the translation exists, when wagtail-localize last synced the English
    (None: not translated with it) and whether and when it last published the translation."""
    if not exists:
        return MISSING
    if source_updated is not None:
        if changed and changed > source_updated:
            return OUT_OF_DATE
        if has_translation and (destination is None or destination < source_updated):
            return OUT_OF_DATE
        return TRANSLATED
    if changed and target_changed and changed > target_changed:
        return OUT_OF_DATE
    return TRANSLATED
