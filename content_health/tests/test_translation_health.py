"""Translation health: each English page and translatable snippet is translated, missing or
out of date in a language, with where to fix it; the admin home page shows the counts as
charts with the same figures in tables."""

import pytest
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from content_health.translations import MISSING, OUT_OF_DATE, TRANSLATED, translation_rows
from divisions.models import DivisionPage
from testing.helpers import show_site_alert

pytestmark = pytest.mark.django_db


def status(title, language="es"):
    rows = {row.title: row for row in translation_rows(language)}
    return rows[title].status, rows[title].url


def test_an_english_change_leaves_the_translation_out_of_date_until_it_is_updated(
    translated_site,
):
    english = DivisionPage.objects.get(slug="training", locale__language_code="en")
    spanish = english.get_translation(Locale.objects.get(language_code="es"))
    assert status(english.title)[0] == TRANSLATED

    english.save_revision().publish()
    assert status(english.title) == (OUT_OF_DATE, f"/admin/pages/{spanish.pk}/edit/")
    spanish.save_revision().publish()
    assert status(english.title)[0] == TRANSLATED

    # Translated with wagtail-localize: synced and published, synced only, changed again.
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(
        source=source, target_locale=spanish.locale, destination_last_updated_at=timezone.now()
    )
    assert status(english.title)[0] == TRANSLATED
    english.save_revision().publish()
    assert status(english.title)[0] == OUT_OF_DATE  # changed since the last sync
    source.update_from_db()
    assert status(english.title)[0] == OUT_OF_DATE  # synced, translation not published yet
    translation.destination_last_updated_at = timezone.now()
    translation.save()
    assert status(english.title)[0] == TRANSLATED


def test_untranslated_pages_and_snippets_are_missing_with_a_link_to_translate(translated_site):
    english = DivisionPage.objects.get(slug="training", locale__language_code="en")
    assert status(english.title, "fr") == (
        MISSING,
        f"/admin/localize/submit/page/{english.pk}/",
    )
    show_site_alert(title="Snow emergency")
    alert_status, url = status("Snow emergency")
    assert alert_status == MISSING and url.startswith("/admin/localize/submit/snippet/")


def test_the_admin_home_page_charts_content_health_with_tables(
    client, translated_site, django_user_model
):
    admin = django_user_model.objects.create_superuser("dash", "dash@example.org", "x")
    client.force_login(admin)
    home = client.get("/admin/").content.decode()
    start = home.index('id="content-health-panel-heading"')
    panel = home[start : home.index("</section>", start)]
    assert panel.count("<svg aria-hidden") == 3 or "Nothing to show yet" in panel
    assert "Translations to do, by language" in panel
    assert '<th scope="row">Español</th>' in panel


def test_the_dashboard_counts_agree_with_the_report(translated_site):
    from content_health.translations import counts_per_language

    english = DivisionPage.objects.get(slug="training", locale__language_code="en")
    english.save_revision().publish()  # Spanish now out of date
    show_site_alert(title="Snow emergency")  # missing everywhere
    counts = counts_per_language()
    for locale in Locale.objects.exclude(language_code="en"):
        expected = dict.fromkeys((TRANSLATED, MISSING, OUT_OF_DATE), 0)
        for row in translation_rows(locale.language_code):
            expected[row.status] += 1
        assert counts[locale.get_display_name()] == expected, locale
    assert counts["Español"][OUT_OF_DATE] >= 1
