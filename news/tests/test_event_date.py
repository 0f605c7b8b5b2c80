"""An event is known by when it happens: its page shows the event's start beside the EVENT tag,
as the listing does, never the publication date."""

import datetime

import pytest
from bs4 import BeautifulSoup

from bostonems_site import seo
from news.models import NewsPage

pytestmark = pytest.mark.django_db


def meta_time(client, url, selector):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one(selector)


def test_an_event_page_and_the_listing_show_the_events_start(client, seeded_site):
    event = NewsPage.objects.get(slug="sample-hands-only-cpr-day")
    event.date = event.event_start.date() - datetime.timedelta(days=30)  # published a month before
    event.save_revision().publish()

    on_page = meta_time(client, event.url, ".news .news-item__meta time")
    listed = next(
        item.select_one(".news-item__meta time")
        for item in BeautifulSoup(client.get("/news/?kind=event").content, "html.parser").select(
            ".news-item"
        )
        if item.select_one(f'a[href="{event.url}"]')
    )
    assert on_page["datetime"] == listed["datetime"] == seo.iso_datetime(event.event_start)
    assert on_page.get_text() == listed.get_text()
    assert on_page.get_text().endswith("10:00 a.m.")


def test_a_news_item_shows_its_publication_date(client, seeded_site):
    item = NewsPage.objects.filter(kind="news").live().first()
    on_page = meta_time(client, item.url, ".news .news-item__meta time")
    assert on_page["datetime"] == item.date.isoformat()
