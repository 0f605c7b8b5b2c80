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

TRANSLATED, MISSING, OUT_OF_DATE = "Translated", "Missing", "Out of date"


@dataclass
class TranslationRow:
    kind: str
    title: str
    status: str
    url: str


def _snippet_models():
    from newsletter.models import Interest
    from site_alerts.models import SiteAlert

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
    if target is None:
        return MISSING
    changed = _changed_at(english)
    if source is not None:
        if changed and changed > source.last_updated_at:
            return OUT_OF_DATE  # English changed since it was last synced
        synced_not_published = translation is not None and (
            translation.destination_last_updated_at is None
            or translation.destination_last_updated_at < source.last_updated_at
        )
        return OUT_OF_DATE if synced_not_published else TRANSLATED
    target_changed = _changed_at(target)
    if changed and target_changed and changed > target_changed:
        return OUT_OF_DATE
    return TRANSLATED


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
    """{language name: {status: count}} for every language but English (dashboard panel)."""
    counts = {}
    for locale in Locale.objects.exclude(language_code=settings.LANGUAGE_CODE).order_by("pk"):
        tally = {TRANSLATED: 0, MISSING: 0, OUT_OF_DATE: 0}
        for row in translation_rows(locale.language_code):
            tally[row.status] += 1
        counts[locale.get_display_name()] = tally
    return counts
