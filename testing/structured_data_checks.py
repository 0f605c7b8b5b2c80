"""The JSON-LD a page publishes, checked against what Google Search Central documents for each
type the site uses (developers.google.com/search/docs/appearance/structured-data/: article,
event, video, breadcrumb, organization): the required properties, the recommended ones, the
properties of the objects nested in them, and the value formats (absolute URLs, ISO 8601
dates with a time zone, ISO 8601 durations). `page_problems` returns one readable sentence per
broken rule.

Recommended properties the site can't state truthfully are left out on purpose, because
Google's general guidelines forbid marking up what the page doesn't show: Event.offers and
performer (editors record no admission price or performers; a made-up "free" offer would be
false for a paid course). So are those that only apply in situations the site never has:
Event.previousStartDate (only for rescheduled events), VideoObject.expires,
regionsAllowed, ineligibleRegion and publication (only for expiring, region-locked or live
videos), VideoObject.hasPart/interactionStatistic (the site keeps no chapters or view counts)
and the company identifiers of Organization (taxID, duns, legalName...), which a city
department does not have. Organization.email and sameAs depend on whether editors entered an
address and social accounts."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class Rules:
    required: tuple = ()
    # "a|b": either property will do (Google: "contentUrl or embedUrl").
    recommended: tuple = ()
    nested: dict = field(default_factory=dict)


ORGANIZER = Rules(required=("name",), recommended=("url",))
TYPE_RULES = {
    "NewsArticle": Rules(
        recommended=("headline", "image", "datePublished", "dateModified", "author"),
        nested={"author": ORGANIZER},
    ),
    "Event": Rules(
        required=("name", "startDate", "location"),
        recommended=(
            "description",
            "endDate",
            "eventAttendanceMode",
            "eventStatus",
            "image",
            "organizer",
        ),
        nested={
            "location": Rules(required=("address",), recommended=("name",)),
            "organizer": ORGANIZER,
        },
    ),
    "VideoObject": Rules(
        required=("name", "thumbnailUrl", "uploadDate"),
        recommended=("description", "duration", "contentUrl|embedUrl"),
    ),
    "BreadcrumbList": Rules(required=("itemListElement",)),
    "Organization": Rules(
        recommended=("name", "url", "logo", "description", "address", "telephone"),
        nested={"address": Rules(recommended=("streetAddress", "addressLocality"))},
    ),
}
# Subtypes Google reads with their parent type's rules.
PARENT_TYPE = {"GovernmentOrganization": "Organization"}
URL_PROPERTIES = {"url", "item", "image", "logo", "thumbnailUrl", "contentUrl", "embedUrl"}
DATE_PROPERTIES = {"startDate", "endDate", "datePublished", "dateModified", "uploadDate"}
ISO_DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def json_ld_blocks(html):
    """Every JSON-LD object in the page (a @graph counts as its members); a block that is not
    JSON comes back as the string of its error."""
    blocks = []
    for script in BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except json.JSONDecodeError as error:
            blocks.append(f"JSON-LD is not JSON: {error}")
            continue
        for item in data if isinstance(data, list) else [data]:
            blocks += item.get("@graph", [item]) if isinstance(item, dict) else [item]
    return blocks


def page_problems(html):
    """Every broken rule in the page's structured data, and the types it publishes."""
    problems, types = [], []
    for block in json_ld_blocks(html):
        if isinstance(block, str):
            problems.append(block)
            continue
        kind = block.get("@type", "")
        types.append(PARENT_TYPE.get(kind, kind))
        problems += object_problems(block)
    return problems, types


def object_problems(data):
    kind = data.get("@type", "")
    rules = TYPE_RULES.get(PARENT_TYPE.get(kind, kind))
    if rules is None:
        return [f"{kind or 'JSON-LD without @type'}: not a type the site is checked for"]
    problems = [f"{kind}: {problem}" for problem in rules_problems(data, rules)]
    if kind == "BreadcrumbList":
        problems += [f"{kind}: {problem}" for problem in breadcrumb_problems(data)]
    if data.get("@context") not in ("https://schema.org", "https://schema.org/"):
        problems.append(f"{kind}: @context is {data.get('@context')!r}, not https://schema.org")
    return problems


def rules_problems(data, rules, path=""):
    problems = []
    for level, names in (("required", rules.required), ("recommended", rules.recommended)):
        for name in names:
            if not any(is_present(data.get(option)) for option in name.split("|")):
                problems.append(f"{level} property {path}{name.replace('|', ' or ')} is missing")
    for name, nested_rules in rules.nested.items():
        for value in as_list(data.get(name)):
            if isinstance(value, dict):
                problems += rules_problems(value, nested_rules, f"{path}{name}.")
            elif is_present(value) and nested_rules.required:
                problems.append(f"{path}{name} is {value!r}, not an object with its properties")
    for name, value in data.items():
        problems += value_problems(f"{path}{name}", name, value)
    return problems


def value_problems(path, name, value):
    problems = []
    for item in as_list(value):
        if name in URL_PROPERTIES:
            url = item.get("url") if isinstance(item, dict) else item
            if not is_absolute_url(url):
                problems.append(f"{path} is not an absolute URL: {url!r}")
        if name in DATE_PROPERTIES and not is_iso_date(item):
            problems.append(f"{path} is not an ISO 8601 date (with a time zone): {item!r}")
        if name == "duration" and not ISO_DURATION.match(str(item)):
            problems.append(f"{path} is not an ISO 8601 duration: {item!r}")
    return problems


def breadcrumb_problems(data):
    """Google: each ListItem has its position (1, 2, 3...), a name and the page's URL; the
    last one (the current page) may leave its URL out."""
    items = as_list(data.get("itemListElement"))
    problems = []
    for number, item in enumerate(items, start=1):
        if item.get("position") != number:
            problems.append(f"ListItem {number} has position {item.get('position')!r}")
        if not is_present(item.get("name")):
            problems.append(f"ListItem {number} has no name")
        if number < len(items) and not is_present(item.get("item")):
            problems.append(f"ListItem {number} has no item (the page's URL)")
    return problems


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_present(value):
    return value not in (None, "", [], {})


def is_absolute_url(text):
    parts = urlsplit(text if isinstance(text, str) else "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_iso_date(text):
    """A date, or a date-time with its offset (Google reads a time without one as UTC, which
    is wrong for Boston)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return "T" not in text or moment.tzinfo is not None
