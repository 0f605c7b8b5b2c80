"""Link health: finds every link in published content and checks where it leads.

Where links are: on live pages, rich text (RichTextField and rich text blocks), link blocks
(any block with a page chooser or an address), URL fields, page choosers and related links
(child rows with `link_page` / `link_url`); site-wide, the footer links and footer pages (site
settings and site-wide text), social links and the site alerts' links. The walk is generic
(fields, stream blocks, child relations), so a new page type or block is covered as it is.

What counts as broken:
- a page on this site that was deleted, is not live, or is private (a view restriction on it or
  above it): visitors get a 404 or a login page;
- a document that was deleted;
- an external address that answers 4xx/5xx, loops or redirects too often, or does not answer.
  Each is asked with HEAD first (cheap), then GET when HEAD is refused or fails (many servers
  answer HEAD wrongly), with a timeout, one retry after a failure, at most LINK_CHECK_MAX_REDIRECTS
  redirects followed by hand, and at most one request per LINK_CHECK_HOST_INTERVAL seconds to
  any one host. Each address is checked once per run however many pages use it.

`manage.py check_links` runs it (nightly from cron, docs/operations.md); results replace the
BrokenLink rows, read by the admin report and the owners' weekly email. It runs outside any
visitor's request: a visitor never waits for another website."""

import re
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from wagtail.blocks import (
    ListBlock,
    PageChooserBlock,
    RichTextBlock,
    StreamBlock,
    StructBlock,
    URLBlock,
)
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction

from bostonems_site.models import SiteSettings, SiteText
from content_health.models import BrokenLink
from site_alerts.models import SiteAlert

ANCHOR = re.compile(r"<a\s[^>]*>", re.I)
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"', re.I)


@dataclass(frozen=True)
class Link:
    """One link: an external `url`, or the id of a page or document on this site."""

    page_id: int | None  # the page the link is on (None: site-wide content)
    place: str
    url: str = ""
    target_page: int | None = None
    target_document: int | None = None


# --- Finding links ---------------------------------------------------------------------------


def links_in_rich_text(html, where):
    for tag in ANCHOR.findall(html or ""):
        attributes = dict(ATTRIBUTE.findall(tag))
        linktype = attributes.get("linktype")
        if linktype == "page" and attributes.get("id", "").isdigit():
            yield {**where, "target_page": int(attributes["id"])}
        elif linktype == "document" and attributes.get("id", "").isdigit():
            yield {**where, "target_document": int(attributes["id"])}
        elif attributes.get("href", "").startswith(("http://", "https://")):
            yield {**where, "url": attributes["href"]}


def links_in_block(block, raw, where):
    """Links in a block's stored (raw) value: ids stay in it even after their page went."""
    if raw in (None, "", []):
        return
    if isinstance(block, RichTextBlock):
        yield from links_in_rich_text(raw, where)
    elif isinstance(block, PageChooserBlock):
        yield {**where, "target_page": int(raw)}
    elif isinstance(block, DocumentChooserBlock):
        yield {**where, "target_document": int(raw)}
    elif isinstance(block, URLBlock):
        yield {**where, "url": raw}
    elif isinstance(block, StructBlock):
        for name, child in block.child_blocks.items():
            yield from links_in_block(child, raw.get(name), where)
    elif isinstance(block, ListBlock):
        for item in raw:
            value = item.get("value") if isinstance(item, dict) and "type" in item else item
            yield from links_in_block(block.child_block, value, where)
    elif isinstance(block, StreamBlock):
        for child in raw:
            child_block = block.child_blocks.get(child.get("type"))
            if child_block is not None:
                yield from links_in_block(child_block, child.get("value"), where)


def links_in_object(instance, where):
    """Links in an object's own fields and its child rows (related links)."""
    for field in instance._meta.concrete_fields:
        label = str(field.verbose_name).capitalize()
        spot = {**where, "place": f"{where['place']}{label}"}
        if isinstance(field, RichTextField):
            yield from links_in_rich_text(field.value_from_object(instance), spot)
        elif isinstance(field, StreamField):
            raw = field.value_from_object(instance).raw_data
            yield from links_in_block(field.stream_block, list(raw), spot)
        elif field.name == "link_url" or (field.get_internal_type() == "URLField"):
            if field.value_from_object(instance):
                yield {**spot, "url": field.value_from_object(instance)}
        elif field.many_to_one and issubclass(field.related_model, Page):
            if field.name in ("owner", "locked_by", "live_revision", "latest_revision"):
                continue
            if getattr(instance, field.attname) and field.name != "page_ptr":
                yield {**spot, "target_page": getattr(instance, field.attname)}
    for relation in get_all_child_relations(instance):
        rows = getattr(instance, relation.get_accessor_name()).all()
        label = str(relation.related_model._meta.verbose_name_plural).capitalize()
        for row in rows:
            yield from links_in_object(row, {**where, "place": f"{label}: {row} → "})


def published_links():
    """Every link in what visitors can see, as Link values."""

    found = []
    for page in Page.objects.live().filter(depth__gt=1).specific().iterator(chunk_size=200):
        found += links_in_object(page, {"page_id": page.pk, "place": ""})
    for settings_row in SiteSettings.objects.all():
        found += links_in_object(settings_row, {"page_id": None, "place": "Site settings: "})
    for text in SiteText.objects.all():
        where = {"page_id": None, "place": f"Site-wide text ({text.locale}): "}
        found += links_in_object(text, where)
    for alert in SiteAlert.objects.filter(enabled=True):
        found += links_in_object(alert, {"page_id": None, "place": f"Site alert '{alert}': "})
    return [Link(**link) for link in found]


# --- Checking them ---------------------------------------------------------------------------


def internal_problems(links):
    """What is wrong with each page or document linked to, in three queries."""
    page_ids = {link.target_page for link in links if link.target_page}
    pages = Page.objects.filter(pk__in=page_ids).only("pk", "live", "path").in_bulk()
    restricted_paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    problems = {}
    for page_id in page_ids:
        page = pages.get(page_id)
        if page is None:
            problems[("page", page_id)] = "The page was deleted"
        elif not page.live:
            problems[("page", page_id)] = "The page is not published"
        elif any(page.path.startswith(path) for path in restricted_paths):
            problems[("page", page_id)] = "The page is private"
    document_ids = {link.target_document for link in links if link.target_document}
    existing = set(
        get_document_model().objects.filter(pk__in=document_ids).values_list("pk", flat=True)
    )
    for document_id in document_ids - existing:
        problems[("document", document_id)] = "The document was deleted"
    return problems


class Politeness:
    """At most one request per `interval` seconds to any one host."""

    def __init__(self, interval):
        self.interval = interval
        self.last = {}

    def wait(self, url):
        host = urlsplit(url).netloc
        elapsed = time.monotonic() - self.last.get(host, float("-inf"))
        if elapsed < self.interval:
            time.sleep(self.interval - elapsed)
        self.last[host] = time.monotonic()


def fetch(session, method, url, politeness):
    politeness.wait(url)
    response = session.request(
        method,
        url,
        allow_redirects=False,
        timeout=settings.LINK_CHECK_TIMEOUT,
        stream=True,  # a GET reads the headers, not the whole body
        headers={"User-Agent": settings.LINK_CHECK_USER_AGENT},
    )
    response.close()
    return response


def follow(session, method, url, politeness):
    """Status code of `url` after following redirects by hand, or a problem string."""
    seen = set()
    for _ in range(settings.LINK_CHECK_MAX_REDIRECTS + 1):
        if url in seen:
            return "Redirects in a loop"
        seen.add(url)
        response = fetch(session, method, url, politeness)
        if response.is_redirect and response.headers.get("Location"):
            url = urljoin(url, response.headers["Location"])
            continue
        return response.status_code
    return f"More than {settings.LINK_CHECK_MAX_REDIRECTS} redirects"


def external_problem(session, url, politeness):
    """None when `url` answers, else what is wrong. HEAD, then GET; one retry on failure."""
    outcome = None
    for _attempt in range(2):
        for method in ("HEAD", "GET"):
            try:
                outcome = follow(session, method, url, politeness)
            except requests.Timeout:
                outcome = "No answer (timed out)"
            except requests.RequestException:
                outcome = "Could not connect"
            if outcome in (200, 201, 202, 203, 204, 206):
                return None
            if isinstance(outcome, str) and "redirect" in outcome.lower():
                return outcome  # asking again would loop again
        if isinstance(outcome, int) and outcome < 500:
            break  # a 404 stays a 404: no retry
    if isinstance(outcome, int):
        return f"Answers {outcome}"
    return outcome


def check_links(politeness_interval=None):
    """Find and check every published link; store what is broken. Returns the broken links
    as (Link, problem) pairs."""
    links = published_links()
    problems = internal_problems(links)
    interval = (
        settings.LINK_CHECK_HOST_INTERVAL if politeness_interval is None else politeness_interval
    )
    politeness = Politeness(interval)
    external = {}
    with requests.Session() as session:
        for url in sorted({link.url for link in links if link.url}):
            external[url] = external_problem(session, url, politeness)
    broken = []
    for link in links:
        if link.url:
            problem = external[link.url]
        elif link.target_page:
            problem = problems.get(("page", link.target_page))
        else:
            problem = problems.get(("document", link.target_document))
        if problem:
            broken.append((link, problem))
    store(broken)
    return broken


def describe_target(link, titles):
    if link.url:
        return link.url
    if link.target_page:
        return titles.get(link.target_page, f"Page {link.target_page}")
    return f"Document {link.target_document}"


def store(broken):
    now = timezone.now()
    titles = dict(
        Page.objects.filter(pk__in={link.target_page for link, _ in broken}).values_list(
            "pk", "title"
        )
    )
    rows = [
        BrokenLink(
            page_id=link.page_id,
            place=link.place.rstrip(" →:")[:255],
            target=describe_target(link, titles)[:2000],
            problem=problem[:255],
            checked_at=now,
        )
        for link, problem in broken
    ]
    with transaction.atomic():
        BrokenLink.objects.all().delete()
        BrokenLink.objects.bulk_create(rows)


def broken_links_by_page(page_ids):
    grouped = defaultdict(list)
    for link in BrokenLink.objects.filter(page_id__in=page_ids):
        grouped[link.page_id].append(link)
    return grouped
