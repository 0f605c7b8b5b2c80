"""News items and videos name their related divisions with the same checkbox list, offering only
the divisions in the page's own language, also after wagtail-localize syncs a translation."""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from divisions.models import DivisionPage
from media_library.models import VideoGalleryPage
from news.models import NewsIndexPage, NewsPage
from testing.helpers import publish

pytestmark = pytest.mark.django_db


def division_choices(admin_client, model, parent):
    """(tag, type, label) of every related-division choice on the admin's add form."""
    url = reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )
    soup = BeautifulSoup(admin_client.get(url).content, "html.parser")
    inputs = soup.select('[name="related_divisions"]')
    return [
        (field.name, field.get("type"), field.find_parent("label").get_text(strip=True))
        for field in inputs
    ]


def translate(page, locale):
    source, _ = TranslationSource.update_or_create_from_instance(page)
    translation, _ = source.create_or_update_translation(locale, fallback=True)
    return translation


@pytest.mark.parametrize("model_label", ["news.NewsPage", "media_library.VideoPage"])
def test_choosers_offer_one_checkbox_per_division_in_the_pages_language(
    admin_client, translated_site, model_label
):
    model = apps.get_model(model_label)
    parent_model = NewsIndexPage if model is NewsPage else VideoGalleryPage
    english_parent = parent_model.objects.get(locale__language_code="en")
    spanish = Locale.objects.get(language_code="es")
    spanish_parent = translate(english_parent, spanish)
    english_divisions = DivisionPage.objects.filter(locale__language_code="en").order_by("path")
    spanish_divisions = DivisionPage.objects.filter(locale=spanish).order_by("path")
    assert spanish_divisions.exists()

    assert division_choices(admin_client, model, english_parent) == [
        ("input", "checkbox", division.title) for division in english_divisions
    ]
    assert division_choices(admin_client, model, spanish_parent) == [
        ("input", "checkbox", division.title) for division in spanish_divisions
    ]


def test_a_synced_translation_points_at_the_translated_divisions(translated_site):
    spanish = Locale.objects.get(language_code="es")
    english_index = NewsIndexPage.objects.get(locale__language_code="en")
    translate(english_index, spanish)
    item = NewsPage.objects.get(slug="sample-new-ambulances")
    fleet = DivisionPage.objects.get(slug="fleet-services", locale__language_code="en")
    untranslated = publish(
        fleet.get_parent(), DivisionPage(title="Peer Support", slug="peer-support", summary="New.")
    )
    item.related_divisions = [fleet, untranslated]
    item.save_revision().publish()

    spanish_item = translate(item, spanish)
    spanish_item.refresh_from_db()

    assert list(spanish_item.related_divisions.all()) == [fleet.get_translation(spanish)]
    assert set(item.related_divisions.all()) == {fleet, untranslated}  # English unchanged
