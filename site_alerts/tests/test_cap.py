"""Site alerts as CAP 1.2 messages: every message partners can fetch validates against the
OASIS schema (kept in site_alerts/schema/), in every state an alert goes through, and says what
the site says."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import Locale

from site_alerts.cap import renew_open_ended
from site_alerts.models import IssuedMessage, SiteAlert
from testing.helpers import show_site_alert

pytestmark = pytest.mark.django_db
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "schema" / "CAP-v1.2.xsd")))
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def fetch(client, message):
    """The message as partners fetch it: valid CAP 1.2, served as application/cap+xml."""
    response = client.get(message.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    document = etree.fromstring(response.content)
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def text(document, path):
    return document.xpath(f"string({path})", namespaces=CAP)


def infos(document):
    return {
        info.xpath("string(cap:language)", namespaces=CAP): info
        for info in document.xpath("cap:info", namespaces=CAP)
    }


def messages():
    return list(IssuedMessage.objects.order_by("sent", "pk"))


def translate(alert, language, **wording):
    translation = alert.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in wording.items():
        setattr(translation, name, value)
    translation.save()
    return translation


def test_a_new_alert_is_a_valid_cap_alert_saying_what_the_site_says(client, seeded_site):
    ends = timezone.now() + timedelta(hours=3)
    show_site_alert(
        level=SiteAlert.URGENT,
        title="Snow emergency",
        message="Ambulances are delayed.",
        instruction="Call 9-1-1 only for emergencies.",
        ends_at=ends,
    )
    (message,) = messages()
    document = fetch(client, message)
    assert text(document, "cap:msgType") == "Alert"
    assert text(document, "cap:sender") == "ems@boston.gov"
    assert text(document, "cap:identifier") == message.identifier
    (english,) = infos(document).values()
    assert text(english, "cap:language") == "en"
    assert text(english, "cap:headline") == "Snow emergency"
    assert text(english, "cap:description") == "Ambulances are delayed."
    assert text(english, "cap:instruction") == "Call 9-1-1 only for emergencies."
    assert text(english, "cap:web").startswith("http")
    assert text(english, "cap:area/cap:areaDesc") == "City of Boston"
    # An urgent alert: act now, a significant threat, happening now.
    terms = [text(english, f"cap:{name}") for name in ("urgency", "severity", "certainty")]
    assert terms == ["Immediate", "Severe", "Observed"]
    assert (
        text(english, "cap:expires") == timezone.localtime(ends).replace(microsecond=0).isoformat()
    )
    # The alert's own address serves its latest message.
    latest = client.get(f"/alerts/{message.alert_key}/cap.xml")
    assert latest.content == client.get(message.get_absolute_url()).content


def test_plain_word_choices_become_cap_terms_and_open_ended_alerts_are_bounded(client, seeded_site):
    show_site_alert(level=SiteAlert.INFO, urgency="Future", severity="Moderate", certainty="Likely")
    (message,) = messages()
    (english,) = infos(fetch(client, message)).values()
    terms = [text(english, f"cap:{name}") for name in ("urgency", "severity", "certainty")]
    assert terms == ["Future", "Moderate", "Likely"]
    assert message.expires - message.sent == timedelta(hours=24)
    # Before that bound runs out, the command cron runs re-issues it while it is still on.
    assert renew_open_ended(now=message.sent + timedelta(hours=23)) == 1
    renewed = messages()[-1]
    assert renewed.msg_type == "Update" and renewed.expires > message.expires
    fetch(client, renewed)


def test_translations_are_info_blocks_and_edits_are_updates_referencing_earlier_ones(
    client, translated_site
):
    alert = show_site_alert(title="Snow emergency", message="Park off main roads.")
    translate(alert, "fr")  # started, not translated yet: still the English words
    translate(alert, "es", title="Emergencia por nieve", message="No estacione en vías.")
    first, translated = messages()
    document = fetch(client, translated)
    assert text(document, "cap:msgType") == "Update"
    assert list(infos(document)) == ["en", "es"]
    assert text(infos(document)["es"], "cap:headline") == "Emergencia por nieve"
    assert text(document, "cap:references") == (
        f"ems@boston.gov,{first.identifier},{text(fetch(client, first), 'cap:sent')}"
    )
    show_site_alert(message="Now also: no parking on side streets.")  # Spanish now outdated
    edited = fetch(client, messages()[-1])
    assert text(edited, "cap:msgType") == "Update"
    assert list(infos(edited)) == ["en"]
    assert len(text(edited, "cap:references").split()) == 2
    show_site_alert(message="Now also: no parking on side streets.")  # saved unchanged
    assert len(messages()) == 3


def test_ending_an_alert_cancels_it_and_switching_it_on_again_starts_afresh(client, seeded_site):
    show_site_alert()
    show_site_alert(enabled=False)
    alert_message, cancel = messages()
    document = fetch(client, cancel)
    assert text(document, "cap:msgType") == "Cancel"
    assert alert_message.identifier in text(document, "cap:references")
    assert text(infos(document)["en"], "cap:urgency") == "Past"
    show_site_alert(enabled=False, message="Edited while off.")
    assert len(messages()) == 2  # nothing to tell partners
    show_site_alert(enabled=True)
    assert messages()[-1].msg_type == "Alert"
    fetch(client, messages()[-1])


def test_deleting_an_alert_cancels_it(client, seeded_site):
    alert = show_site_alert()
    alert.delete()
    assert [message.msg_type for message in messages()] == ["Alert", "Cancel"]
    fetch(client, messages()[-1])


def test_an_alert_that_ended_by_itself_stays_a_valid_expired_message(client, seeded_site):
    now = timezone.now()
    show_site_alert(starts_at=now - timedelta(hours=2), ends_at=now + timedelta(seconds=1))
    (message,) = messages()
    document = fetch(client, message)
    assert message.expires <= now + timedelta(seconds=1)
    assert text(infos(document)["en"], "cap:expires")


def test_unknown_messages_are_404(client, seeded_site):
    assert client.get("/alerts/cap/00000000-0000-0000-0000-000000000000.xml").status_code == 404
    assert client.get("/alerts/00000000-0000-0000-0000-000000000000/cap.xml").status_code == 404
