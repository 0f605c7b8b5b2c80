"""The Atom feed (RFC 4287) of current alerts, one per language: what partners' systems and
feed readers poll. Each entry is the latest CAP message of one alert, linked with
type="application/cap+xml", and summarised in the feed's language where the alert is translated
(else in English, marked xml:lang="en"). Listed: messages in force now (between their
effective and expires times), and Cancels for CANCEL_LISTED_FOR after they were sent, so that
a partner polling now and then still learns that an alert ended. With no alerts the feed is
valid and empty.

The page cache keeps the feed like a page: any alert change purges it, and it is not served
past the moment its list next changes by the clock (a start, an expiry, a Cancel dropping off).
"""

from xml.etree import ElementTree

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import rfc3339_date
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from bostonems_site import seo
from bostonems_site.models import SiteSettings
from page_cache.content_generation import expire_cached_page_at
from site_alerts.cap import CANCEL_LISTED_FOR, CAP_CONTENT_TYPE
from site_alerts.models import IssuedMessage

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_CONTENT_TYPE = "application/atom+xml"


def latest_messages(now):
    """The latest message of each alert that is or may still be listed (one query)."""
    latest = (
        IssuedMessage.objects.filter(alert_key=OuterRef("alert_key"))
        .order_by("-sent", "-pk")
        .values("pk")[:1]
    )
    return list(
        IssuedMessage.objects.filter(pk=Subquery(latest))
        .filter(
            Q(expires__gt=now) | Q(msg_type=IssuedMessage.CANCEL, sent__gt=now - CANCEL_LISTED_FOR)
        )
        .order_by("-sent", "-pk")
    )


def listed_until(message):
    if message.msg_type == IssuedMessage.CANCEL:
        return message.sent + CANCEL_LISTED_FOR
    return message.expires


def current_messages(now=None):
    """(messages listed now, newest first; when that list next changes by itself, or None)."""
    now = now or timezone.now()
    listed, changes = [], []
    for message in latest_messages(now):
        cancel = message.msg_type == IssuedMessage.CANCEL
        if cancel or message.effective <= now:
            listed.append(message)
        else:
            changes.append(message.effective)
        changes.append(listed_until(message))
    return listed, min(changes, default=None)


def info_in(message, language):
    """The message's <info> content in `language`, else the English one."""
    by_language = {info["language"]: info for info in message.infos}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE)


def _add(parent, name, text=None, **attributes):
    element = ElementTree.SubElement(parent, f"{{{ATOM_NAMESPACE}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


@require_GET
def alerts_feed(request):
    language = translation.get_language()
    root_url = seo.site_root_url(request)
    department = SiteSettings.for_request(request).department_name
    messages, next_change = current_messages()
    expire_cached_page_at(request, next_change)

    ElementTree.register_namespace("", ATOM_NAMESPACE)
    feed = ElementTree.Element(f"{{{ATOM_NAMESPACE}}}feed", {XML_LANG: language})
    feed_url = root_url + reverse("alerts_feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", gettext("%(name)s alerts") % {"name": department})
    _add(feed, "link", rel="self", type=ATOM_CONTENT_TYPE, href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=root_url + reverse("lite"))
    updated = max((message.sent for message in messages), default=None)
    _add(feed, "updated", rfc3339_date(updated or timezone.now().replace(microsecond=0)))
    author = _add(feed, "author")
    _add(author, "name", department)
    _add(author, "uri", root_url + "/")
    for message in messages:
        info = info_in(message, language)
        entry = _add(feed, "entry")
        if info["language"] != language:
            entry.set(XML_LANG, info["language"])
        _add(entry, "id", message.identifier)
        title = info["headline"]
        if message.msg_type == IssuedMessage.CANCEL:
            with translation.override(info["language"]):
                title = gettext("Ended: %(headline)s") % {"headline": title}
        _add(entry, "title", title)
        _add(entry, "updated", rfc3339_date(message.sent))
        _add(entry, "summary", info["description"])
        _add(
            entry,
            "link",
            rel="alternate",
            type=CAP_CONTENT_TYPE,
            href=root_url + message.get_absolute_url(),
        )
        _add(entry, "link", rel="related", type="text/html", href=info["web"])
    body = ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)
    return HttpResponse(body, content_type=f"{ATOM_CONTENT_TYPE}; charset=utf-8")
