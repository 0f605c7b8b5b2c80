"""What feed readers rely on, checked the way a feed validator would: RSS 2.0
(https://www.rssboard.org/rss-specification) and Atom (RFC 4287). `feed_problems` takes the
bytes a feed URL answers with and returns one readable sentence per broken rule (none when
the feed is valid).

Beyond the letter of RSS 2.0, every item must carry a pubDate and a guid and every feed its
language: readers sort and de-duplicate items by them, and each language has its own feed."""

import re
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# RFC 822 section 5 (with RFC 1123's four-digit years): "Tue, 01 Dec 2026 18:00:00 +0000".
RFC_822_DATE = re.compile(
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2,4} "
    r"\d{2}:\d{2}(:\d{2})? ([+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
# RFC 3339 date-time, which RFC 4287 section 3.3 requires: a "T", seconds and a zone.
RFC_3339_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)


def feed_problems(content):
    """Everything wrong with the feed document `content` (bytes)."""
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException) as error:
        return [f"not well-formed (or unsafe) XML: {error}"]
    if root.tag == "rss":
        return rss_problems(root)
    if root.tag == f"{ATOM}feed":
        return atom_problems(root)
    return [f"neither RSS 2.0 nor Atom: the root element is <{root.tag}>"]


def feed_language(content):
    """The language a (valid) feed declares: RSS <language> or Atom's xml:lang."""
    root = fromstring(content)
    if root.tag == "rss":
        return root.findtext("channel/language", "").strip()
    return root.get(XML_LANG, "")


def is_absolute_url(text):
    parts = urlsplit(text or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def text_of(element, name):
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


def rss_problems(rss):
    problems = []
    if rss.get("version") != "2.0":
        problems.append(f'<rss version="{rss.get("version")}">: the version must be "2.0"')
    channels = rss.findall("channel")
    if len(channels) != 1:
        return [*problems, f"<rss> needs exactly one <channel>, has {len(channels)}"]
    channel = channels[0]
    for name in ("title", "link", "description", "language"):
        if not text_of(channel, name):
            problems.append(f"<channel> has no <{name}>")
    if text_of(channel, "link") and not is_absolute_url(text_of(channel, "link")):
        problems.append(f"<channel><link> is not an absolute URL: {text_of(channel, 'link')}")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None and not is_rfc_822_date(text_of(channel, name)):
            problems.append(f"<channel><{name}> is not an RFC 822 date: {text_of(channel, name)}")
    for number, item in enumerate(channel.findall("item"), start=1):
        problems += [f"<item> {number}: {problem}" for problem in rss_item_problems(item)]
    return problems


def rss_item_problems(item):
    problems = []
    if not (text_of(item, "title") or text_of(item, "description")):
        problems.append("has neither <title> nor <description>")
    link = text_of(item, "link")
    if item.find("link") is not None and not is_absolute_url(link):
        problems.append(f"<link> is not an absolute URL: {link}")
    if not is_rfc_822_date(text_of(item, "pubDate")):
        problems.append(f"<pubDate> is missing or not an RFC 822 date: {text_of(item, 'pubDate')}")
    guid = item.find("guid")
    if guid is None or not text_of(item, "guid"):
        problems.append("has no <guid>")
    elif guid.get("isPermaLink", "true") == "true" and not is_absolute_url(guid.text.strip()):
        problems.append(f"<guid> is a permalink but not an absolute URL: {guid.text.strip()}")
    return problems


def is_rfc_822_date(text):
    if not RFC_822_DATE.match(text or ""):
        return False
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    return True


def atom_problems(feed):
    problems = []
    if not feed.get(XML_LANG):
        problems.append("<feed> has no xml:lang")
    problems += atom_common_problems(feed, "<feed>")
    entries = feed.findall(f"{ATOM}entry")
    # RFC 4287 4.1.1: a feed without its own author needs one in every entry.
    if not has_author(feed) and not all(has_author(entry) for entry in entries):
        problems.append("<feed> has no <author> and not every <entry> has one")
    for number, entry in enumerate(entries, start=1):
        problems += atom_common_problems(entry, f"<entry> {number}")
        # RFC 4287 4.1.2: an entry without <content> needs a link to the page.
        if entry.find(f"{ATOM}content") is None and not alternate_links(entry):
            problems.append(f"<entry> {number} has neither <content> nor a rel=alternate <link>")
    return problems


def atom_common_problems(element, where):
    """RFC 4287 4.1.1 and 4.1.2: exactly one id (an absolute IRI), title and updated (an
    RFC 3339 date-time); links have an href; at most one rel=alternate per type and language."""
    problems = []
    for name in ("id", "title", "updated"):
        found = element.findall(f"{ATOM}{name}")
        if len(found) != 1 or not (found[0].text or "").strip():
            problems.append(f"{where} needs exactly one non-empty <{name}>, has {len(found)}")
    identifier = text_of(element, f"{ATOM}id")
    if identifier and not urlsplit(identifier).scheme:
        problems.append(f"{where} <id> is not an absolute IRI: {identifier}")
    updated = text_of(element, f"{ATOM}updated")
    if updated and not RFC_3339_DATE_TIME.match(updated):
        problems.append(f"{where} <updated> is not an RFC 3339 date-time: {updated}")
    published = element.find(f"{ATOM}published")
    if published is not None and not RFC_3339_DATE_TIME.match((published.text or "").strip()):
        problems.append(f"{where} <published> is not an RFC 3339 date-time: {published.text}")
    for link in element.findall(f"{ATOM}link"):
        if not is_absolute_url(link.get("href")):
            problems.append(f"{where} <link> href is not an absolute URL: {link.get('href')}")
    alternates = [(link.get("type"), link.get("hreflang")) for link in alternate_links(element)]
    if len(alternates) != len(set(alternates)):
        problems.append(f"{where} has two rel=alternate links with the same type and hreflang")
    for author in element.findall(f"{ATOM}author"):
        if not text_of(author, f"{ATOM}name"):
            problems.append(f"{where} <author> has no <name>")
    return problems


def alternate_links(element):
    return [
        link
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]


def has_author(element):
    return element.find(f"{ATOM}author") is not None
