"""Feeds in every language with the dates pages show (Atom per RFC 4287: <updated> on every
entry, an <author>), and the structured data search engines read from news and event pages."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from defusedxml.minidom import parseString
from django.utils import timezone
from wagtail.models import Locale

from news.models import NewsPage

pytestmark = pytest.mark.django_db
ATOM = "http://www.w3.org/2005/Atom"
# HTML's valid date-time strings allow at most three fraction digits.
VALID_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?([+-]\d\d:\d\d|Z))?$")


def json_ld(client, url, types):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    blocks = [json.loads(t.string) for t in soup.find_all("script", type="application/ld+json")]
    return next(block for block in blocks if block["@type"] in types)


def test_atom_feed_names_its_author_and_dates_every_entry(client, seeded_site):
    document = parseString(client.get("/news/atom/").content)
    feed = document.documentElement
    assert feed.namespaceURI == ATOM
    author = [n for n in feed.childNodes if n.nodeName == "author"]
    assert author and author[0].getElementsByTagName("name")[0].firstChild.data == "Boston EMS"
    assert feed.getElementsByTagName("updated")
    entries = document.getElementsByTagName("entry")
    assert len(entries) == 4
    for entry in entries:
        assert entry.getElementsByTagName("updated"), entry.toxml()[:200]
        assert entry.getElementsByTagName("id") and entry.getElementsByTagName("title")
        link = entry.getElementsByTagName("link")[0].getAttribute("href")
        assert link.startswith("http")


def test_rss_dates_are_the_dates_the_pages_show(client, seeded_site):
    document = parseString(client.get("/news/feed/").content)
    shown = {page.title: page.date for page in NewsPage.objects.filter(locale__language_code="en")}
    for item in document.getElementsByTagName("item"):
        title = item.getElementsByTagName("title")[0].firstChild.data
        pub_date = item.getElementsByTagName("pubDate")[0].firstChild.data
        assert shown[title].strftime("%d %b %Y") in pub_date, (title, pub_date)


def test_each_language_has_its_own_feed_linked_from_home_and_listing(client, translated_site):
    # The seed translates the News & Events page ("Noticias y eventos"); one item joins it.
    item = NewsPage.objects.get(slug="sample-new-ambulances")
    translation = item.copy_for_translation(Locale.objects.get(language_code="es"))
    translation.title = "Muestra: Nuevas ambulancias"
    translation.save_revision().publish()
    for prefix, language in (("", "en"), ("/es", "es")):
        rss = client.get(f"{prefix}/news/feed/")
        assert rss.status_code == 200, prefix
        channel = parseString(rss.content).getElementsByTagName("channel")[0]
        assert channel.getElementsByTagName("language")[0].firstChild.data == language
        assert client.get(f"{prefix}/news/atom/").status_code == 200
        for page_url in (f"{prefix}/", f"{prefix}/news/"):
            soup = BeautifulSoup(client.get(page_url).content, "html.parser")
            feeds = {link["href"] for link in soup.select('link[rel="alternate"][type]')}
            # Beside the news feeds, every page links the alerts feed (site_alerts).
            news_and_alerts = {f"{prefix}/news/feed/", f"{prefix}/news/atom/"}
            assert feeds == news_and_alerts | {f"{prefix}/alerts/feed/"}, page_url
            assert soup.select_one(f'.feed-link a[href="{prefix}/news/feed/"]'), page_url
    titles = [
        node.firstChild.data
        for node in parseString(client.get("/es/news/feed/").content).getElementsByTagName("title")
    ]
    assert "Muestra: Nuevas ambulancias" in titles
    assert "Sample: New ambulances join the fleet" not in titles


def test_news_article_has_the_department_as_author_and_an_image(client, seeded_site):
    for slug in ("sample-new-ambulances", "sample-emt-recruitment"):  # with and without picture
        data = json_ld(client, f"/news/{slug}/", {"NewsArticle"})
        assert data["author"]["name"] == "Boston EMS"
        assert data["author"]["@type"] in ("Organization", "GovernmentOrganization")
        assert data["image"] and all(url.startswith("http") for url in data["image"])
        assert VALID_DATETIME.match(data["dateModified"]), data["dateModified"]


def test_event_location_is_a_place_with_a_postal_address(client, seeded_site):
    data = json_ld(client, "/news/sample-hands-only-cpr-day/", {"Event"})
    location = data["location"]
    assert location["@type"] == "Place" and location["name"] == "Boston City Hall Plaza"
    assert location["address"]["@type"] == "PostalAddress"
    assert location["address"]["streetAddress"] == "1 City Hall Square"
    assert location["address"]["postalCode"] == "02201"
    assert VALID_DATETIME.match(data["startDate"]), data["startDate"]


def test_news_pages_are_articles_with_their_own_share_image(client, seeded_site):
    soup = BeautifulSoup(client.get("/news/sample-new-ambulances/").content, "html.parser")
    assert soup.find("meta", property="og:type")["content"] == "article"
    assert "/media/images/" in soup.find("meta", property="og:image")["content"]


def test_every_time_element_has_a_valid_datetime(client, seeded_site):
    page = NewsPage.objects.get(slug="sample-hands-only-cpr-day")
    page.event_start = timezone.now().replace(microsecond=561322)
    page.save_revision().publish()
    for url in ("/news/", "/news/sample-hands-only-cpr-day/", "/divisions/training/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        values = [time["datetime"] for time in soup.find_all("time")]
        assert values, url
        for value in values:
            assert VALID_DATETIME.match(value), (url, value)
