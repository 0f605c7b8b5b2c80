"""Review dates: each publish is a review and moves the next one on by the interval for the
kind of page; every public page, in every language, shows both dates in <time> elements."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from wagtail.models import Page

from content_health.models import ReviewSettings
from content_health.reviews import due_pages, owned_by, pages_with_review_state
from standard_pages.models import StandardPage
from testing.helpers import soup

pytestmark = pytest.mark.django_db


def test_publishing_reviews_the_page_and_sets_the_next_review_from_site_settings(seeded_site):
    settings = ReviewSettings.for_default_site()
    settings.review_months, settings.clinical_review_months = 18, 6
    settings.save()
    page = StandardPage.objects.get(slug="privacy")
    page.save_revision().publish()
    page.refresh_from_db()
    today = timezone.localdate()
    assert (page.last_reviewed_on, page.review_by) == (today, today + relativedelta(months=18))

    page.clinical_guidance = True
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.review_by == today + relativedelta(months=6)


def test_every_public_page_in_every_language_shows_when_it_was_and_will_be_reviewed(
    client, translated_site
):
    # One page of each type in each language.
    pages = {}
    for page in Page.objects.live().filter(depth__gt=1).order_by("path").specific():
        pages.setdefault((page.content_type_id, page.locale_id), page)
    languages = set()
    for page in pages.values():
        page.last_reviewed_on, page.review_by = date(2026, 3, 5), date(2028, 3, 5)
        page.save(update_fields=["last_reviewed_on", "review_by"])
        about = soup(client, page.url).select_one("main .about-page")
        assert about is not None, page.url
        times = [(time["datetime"], time.get_text()) for time in about.select("time")]
        assert [when for when, _ in times] == ["2026-03-05", "2028-03-05"], page.url
        language = page.locale.language_code
        languages.add(language)
        # The words and the month in the page's language.
        assert {"en": "March", "es": "marzo"}.get(language, "") in times[0][1], times
        label = {"en": "Page last reviewed:", "es": "Última revisión de la página:"}
        assert label.get(language, "") in about.get_text(), page.url
    assert {"en", "es"} <= languages


def test_the_report_query_reads_each_page_types_own_fields(seeded_site, django_user_model):
    owner = django_user_model.objects.create_user("owner")
    page = StandardPage.objects.get(slug="privacy")
    page.owner_user = owner
    page.review_by = timezone.localdate() - relativedelta(days=1)
    page.save(update_fields=["owner_user", "review_by"])

    row = pages_with_review_state().get(pk=page.pk)
    assert (row.review_owner_user_id, row.review_review_by) == (owner.pk, page.review_by)
    due = list(due_pages().filter(owned_by(owner)))
    assert [p.pk for p in due] == [page.pk]
