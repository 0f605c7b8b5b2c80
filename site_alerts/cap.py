"""Site alerts as Common Alerting Protocol (CAP 1.2, OASIS) messages, the format partners'
systems read (IPAWS, Google Public Alerts, news desks, apps).

One alert is a chain of messages: the first is an Alert; each later change to what partners
receive (wording, translations, times, level or the plain-word choices behind urgency,
severity and certainty) issues an Update whose <references> lists the earlier messages of the
chain; switching the alert off, ending it early or deleting it issues a Cancel, which the feeds
keep listing for CANCEL_LISTED_FOR so that partners polling now and then still see it. Switching
it on again starts a new chain with an Alert.

Messages are issued when an editor saves (SiteAlert.save, or a delete), never while a visitor
reads: each is built once and stored as sent (IssuedMessage), so its address, identifier and
text stay the same however often it is fetched. Links in it use the site's configured address
(Settings → Sites), never a request's host.

What a message says, following Google's public-alerts guidance:
- one <info> per language: English, then each translation whose wording is up to date with the
  English alert and was actually translated (a translation just started still carries the
  English words, and would claim a language it isn't in);
- <expires>: the alert's end time, else OPEN_ENDED_FOR after it starts (CAP consumers drop
  messages without a bound; an alert with no end time is re-issued before that bound by the
  `renew_alert_messages` command, see docs/operations.md);
- <headline> the title, <description> the message, <instruction> what people should do (a
  standard line when the editor left it blank), <web> the alert's link or the text-only site;
- <area><areaDesc> the City of Boston, with the SAME geocode of Suffolk County (CAP_GEOCODES).
"""

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_CONTENT_TYPE = "application/cap+xml"
OPEN_ENDED_FOR = timedelta(hours=24)
RENEW_BEFORE = timedelta(hours=2)
CANCEL_LISTED_FOR = timedelta(days=1)


def cap_time(moment):
    """CAP's date-time: seconds, an explicit offset, "-00:00" rather than "Z" for UTC."""
    text = timezone.localtime(moment).replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def site_root_url():
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def department_details():
    from wagtail.models import Site

    from bostonems_site.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    details = SiteSettings.for_site(site) if site else SiteSettings()
    return details.department_name, details.main_phone


def _absolute(url, root):
    return url if url.startswith(("http://", "https://")) else root + url


def _lite_url(language, root):
    from django.urls import reverse

    with translation.override(language):
        return root + reverse("lite")


def _info(source, wording, language, root, department, phone, now):
    """The content of one <info> block, as a dict (stored, compared and rendered)."""
    with translation.override(language):
        instruction = wording.instruction.strip() or gettext("In an emergency, call 9-1-1")
    link = wording.url
    start = source.starts_at or now
    return {
        "language": language,
        "event": source.title,
        **source.partner_terms(),
        "effective": cap_time(start),
        "expires": cap_time(source.ends_at or start + OPEN_ENDED_FOR),
        "senderName": department,
        "headline": wording.title,
        "description": wording.message,
        "instruction": instruction,
        "web": _absolute(link, root) if link else _lite_url(language, root),
        "contact": phone,
    }


def _translated(translation_, source):
    return translation_.is_up_to_date_with(source) and (
        translation_.title != source.title or translation_.message != source.message
    )


def current_infos(source, now=None):
    """The <info> contents partners should have now for the English alert `source`."""
    from site_alerts.models import SiteAlert

    now = now or timezone.now()
    root = site_root_url()
    department, phone = department_details()
    translations = (
        SiteAlert.objects.filter(translation_key=source.translation_key)
        .exclude(pk=source.pk)
        .select_related("locale", "link_page")
        .order_by("locale__language_code")
    )
    details = (root, department, phone, now)
    infos = [_info(source, source, settings.LANGUAGE_CODE, *details)]
    for item in translations:
        if _translated(item, source):
            infos.append(_info(source, item, item.locale.language_code, *details))
    return infos


def _signature(source, infos):
    """What partners receive, apart from the moment an open-ended alert was (re)issued."""
    times = [source.starts_at, source.ends_at]
    content = [
        {name: value for name, value in info.items() if name not in ("effective", "expires")}
        for info in infos
    ]
    return hashlib.sha256(json.dumps([content, times], default=str).encode()).hexdigest()


def _chain(alert_key):
    """The messages of the alert's current chain, oldest first: those since its last Cancel
    (none when the last message is a Cancel)."""
    from site_alerts.models import IssuedMessage

    chain = []
    for message in IssuedMessage.objects.filter(alert_key=alert_key).order_by("sent", "pk"):
        chain = [] if message.msg_type == IssuedMessage.CANCEL else [*chain, message]
    return chain


def _is_live(source, now):
    return (
        source is not None and source.enabled and (source.ends_at is None or now < source.ends_at)
    )


def issue_messages(alert_key, now=None):
    """Issue the message that brings partners up to date with the alert whose translation key
    is `alert_key` (any of its languages was saved or deleted), if what they have differs."""
    from site_alerts.models import IssuedMessage, SiteAlert

    now = (now or timezone.now()).replace(microsecond=0)  # as the XML says it
    source = (
        SiteAlert.objects.filter(
            translation_key=alert_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .select_related("link_page")
        .first()
    )
    chain = _chain(alert_key)
    if not _is_live(source, now):
        if chain:
            _issue(alert_key, IssuedMessage.CANCEL, _cancelled(chain[-1], now), chain, now, "")
        return
    infos = current_infos(source, now)
    signature = _signature(source, infos)
    if chain and chain[-1].signature == signature:
        return
    kind = IssuedMessage.UPDATE if chain else IssuedMessage.ALERT
    _issue(alert_key, kind, infos, chain, now, signature)


def issue_messages_after_delete(sender, instance, **kwargs):
    """post_delete of a SiteAlert (the row is already gone in this transaction)."""
    issue_messages(instance.translation_key)


def _cancelled(last, now):
    """The <info> blocks of a Cancel: the last message's, saying no action is needed now."""
    infos = []
    for info in last.infos:
        with translation.override(info["language"]):
            ended = gettext("This alert has ended.")
        infos.append(
            {
                **info,
                "urgency": "Past",
                "expires": cap_time(now + CANCEL_LISTED_FOR),
                "instruction": ended,
            }
        )
    return infos


def _issue(alert_key, kind, infos, chain, now, signature):
    from site_alerts.models import IssuedMessage

    message = IssuedMessage(
        uuid=uuid.uuid4(),
        alert_key=alert_key,
        msg_type=kind,
        sent=now,
        effective=min((_parse(info["effective"]) for info in infos), default=now),
        expires=max((_parse(info["expires"]) for info in infos), default=now),
        signature=signature,
        infos=infos,
    )
    if kind == IssuedMessage.CANCEL:
        message.effective, message.expires = now, now + CANCEL_LISTED_FOR
    message.xml = render_message(message, infos, chain)
    message.save()
    message.references.set(chain)
    return message


def _parse(text):
    return datetime.fromisoformat(text)


def _add(parent, name, text=None):
    element = ElementTree.SubElement(parent, f"{{{CAP_NAMESPACE}}}{name}")
    if text is not None:
        element.text = text
    return element


def render_message(message, infos, references):
    """The CAP 1.2 XML of `message` (elements in the order the schema requires)."""
    ElementTree.register_namespace("", CAP_NAMESPACE)
    alert = ElementTree.Element(f"{{{CAP_NAMESPACE}}}alert")
    _add(alert, "identifier", message.identifier)
    _add(alert, "sender", settings.CAP_SENDER)
    _add(alert, "sent", cap_time(message.sent))
    _add(alert, "status", "Actual")
    _add(alert, "msgType", message.msg_type)
    _add(alert, "scope", "Public")
    if references:
        _add(
            alert,
            "references",
            " ".join(
                f"{settings.CAP_SENDER},{earlier.identifier},{cap_time(earlier.sent)}"
                for earlier in references
            ),
        )
    for content in infos:
        info = _add(alert, "info")
        _add(info, "language", content["language"])
        _add(info, "category", "Health")
        _add(info, "event", content["event"])
        for name in ("urgency", "severity", "certainty", "effective", "expires", "senderName"):
            _add(info, name, content[name])
        for name in ("headline", "description", "instruction", "web", "contact"):
            if content.get(name):
                _add(info, name, content[name])
        area = _add(info, "area")
        _add(area, "areaDesc", settings.CAP_AREA_DESCRIPTION)
        for value_name, value in settings.CAP_GEOCODES:
            geocode = _add(area, "geocode")
            _add(geocode, "valueName", value_name)
            _add(geocode, "value", value)
    return ElementTree.tostring(alert, encoding="unicode", xml_declaration=True)


def renew_open_ended(now=None):
    """Re-issue (as an Update) the message of each live alert without an end time whose bound
    runs out within RENEW_BEFORE, so partners keep showing an alert the site still shows.
    Returns how many were renewed."""
    from site_alerts.models import IssuedMessage, SiteAlert

    now = (now or timezone.now()).replace(microsecond=0)
    renewed = 0
    alerts = SiteAlert.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE, enabled=True, ends_at__isnull=True
    ).select_related("link_page")
    for alert in alerts:
        chain = _chain(alert.translation_key)
        if chain and chain[-1].expires - now < RENEW_BEFORE:
            infos = current_infos(alert, now)
            signature = _signature(alert, infos)
            _issue(alert.translation_key, IssuedMessage.UPDATE, infos, chain, now, signature)
            renewed += 1
    return renewed
