"""The Atom feed of current alerts: valid (testing/feed_checks.py), one per
language, linked from every page's head, each entry linking its CAP message."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from defusedxml.ElementTree import fromstring
from django.utils import timezone
from wagtail.models import Locale

from site_alerts.feeds import current_messages
from site_alerts.models import IssuedMessage
from testing.feed_checks import feed_language, feed_problems
from testing.helpers import show_site_alert

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path="/alerts/feed/"):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed_problems(response.content) == []
    return response.content


def entries(content):
    return fromstring(content).findall(f"{ATOM}entry")


def cap_link(entry):
    (link,) = [
        link for link in entry.findall(f"{ATOM}link") if link.get("type") == "application/cap+xml"
    ]
    assert link.get("rel") == "alternate"
    return link.get("href")


def test_with_no_alerts_the_feed_is_valid_and_empty(client, seeded_site):
    content = feed(client)
    assert entries(content) == []
    assert feed_language(content) == "en"


def test_every_page_links_the_alerts_feed_of_its_language(client, translated_site):
    titles = {"/alerts/feed/": "Boston EMS alerts", "/es/alerts/feed/": "Alertas de Boston EMS"}
    for path, feed_path in (("/", "/alerts/feed/"), ("/es/", "/es/alerts/feed/")):
        head = BeautifulSoup(client.get(path).content, "html.parser").head
        (link,) = head.find_all("link", rel="alternate", href=feed_path)
        assert link["type"] == "application/atom+xml"
        assert link["title"] == titles[feed_path]
    assert feed_language(feed(client, "/es/alerts/feed/")) == "es"


def test_entries_link_their_cap_message_in_the_feeds_language(client, translated_site):
    alert = show_site_alert(title="Snow emergency", message="Park off main roads.")
    spanish = alert.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.title, spanish.message = "Emergencia por nieve", "No estacione en vías."
    spanish.save()
    (english_entry,) = entries(feed(client))
    (spanish_entry,) = entries(feed(client, "/es/alerts/feed/"))
    assert english_entry.findtext(f"{ATOM}title") == "Snow emergency"
    assert spanish_entry.findtext(f"{ATOM}title") == "Emergencia por nieve"
    latest = IssuedMessage.objects.first()
    assert cap_link(spanish_entry).endswith(latest.get_absolute_url())
    cap = client.get(cap_link(spanish_entry).replace("http://localhost", ""))
    assert cap.status_code == 200 and cap["Content-Type"].startswith("application/cap+xml")
    # French has no translation: the English entry, marked as English.
    (french_entry,) = entries(feed(client, "/fr/alerts/feed/"))
    assert french_entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_an_ended_alert_stays_listed_as_cancelled_for_a_day(client, seeded_site):
    show_site_alert(title="Heat emergency")
    show_site_alert(title="Heat emergency", enabled=False)
    (entry,) = entries(feed(client))
    assert entry.findtext(f"{ATOM}title") == "Ended: Heat emergency"
    cancel = IssuedMessage.objects.first()
    assert cancel.msg_type == "Cancel"
    listed, next_change = current_messages(now=cancel.sent + timedelta(hours=23))
    assert listed == [cancel] and next_change == cancel.sent + timedelta(days=1)
    assert current_messages(now=cancel.sent + timedelta(days=1, seconds=1))[0] == []


def test_scheduled_and_expired_alerts_are_not_listed(client, seeded_site):
    now = timezone.now()
    show_site_alert(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    assert entries(feed(client)) == []
    message = IssuedMessage.objects.get()
    assert current_messages(now=now + timedelta(minutes=61))[0] == [message]
    assert current_messages(now=now + timedelta(minutes=121))[0] == []
