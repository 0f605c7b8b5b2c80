"""Every public page type and state, in every language the site has content in, is valid:
HTML by the W3C Nu HTML Checker (0 errors), JSON-LD by Google's documented requirements
(structured_data_checks), feeds by RSS 2.0 and RFC 4287 (feed_checks).

The pages are the crawl's (test_site_crawl): each sitemap URL, search results with and without
hits and the 404 page in each language; plus every same-site page they link to (filters,
pagination, feeds), the pages reached from the newsletter's emails, and the state each form
shows after being sent empty or wrong. Fetched with the Django test client (no browser: this
is about the markup the server sends), then validated in one run of the checker."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from testing.feed_checks import feed_language, feed_problems
from testing.helpers import (
    load_every_language,
    show_linked_alert,
    show_logo_and_social_links,
    sitemap_locations,
    states_beyond_the_sitemap,
)
from testing.html_validator import html_errors, missing_validator
from testing.servers import IN_CI
from testing.structured_data_checks import page_problems

pytestmark = pytest.mark.django_db
SAME_ORIGIN = "http://testserver"
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# Not pages: files, the admin, and the addresses a form sends to (they're tried as forms).
NOT_PAGES = ("/admin/", "/documents/", "/media/", "/static/", "/newsletter/signup/")
EVERY_TYPE = {"NewsArticle", "Event", "VideoObject", "BreadcrumbList", "Organization"}


class SiteCollector:
    """Fetches pages like a visitor clicking around, keeping each HTML document by a label
    that says which URL and state it is, and what each page links to."""

    def __init__(self, client):
        self.client = client
        self.documents, self.feeds, self.forms = {}, {}, {}
        self.links, self.broken = {}, []

    def visit(self, path, status=200, label=None):
        response = self.client.get(path, follow=True)
        if response.status_code != status:
            self.broken.append(f"{label or path} answered {response.status_code}, not {status}")
        self.keep(label or path, response)

    def keep(self, label, response):
        if not response["Content-Type"].startswith("text/html"):
            return
        html = response.content.decode()
        self.documents[label] = html
        page_path = response.request["PATH_INFO"]
        soup = BeautifulSoup(html, "html.parser")
        for link in soup.find_all("link", rel="alternate", type=FEED_TYPES):
            language = soup.html.get("lang", "")
            self.feeds.setdefault(link["href"].replace(SAME_ORIGIN, ""), (language, label))
        for anchor in soup.find_all("a", href=True):
            href = anchor["href"].replace(SAME_ORIGIN, "")
            if href.startswith("/") and not href.startswith(NOT_PAGES):
                self.links.setdefault(href.split("#")[0], label)
        for form in soup.find_all("form"):
            action = form.get("action") or page_path
            method = form.get("method", "get").lower()
            names = ",".join(sorted(field["name"] for field in fields(form)))
            self.forms.setdefault(f"{method} {action} ({names})", (form, action, method, label))

    def follow_links(self):
        """One click further from every page: the pages only links lead to."""
        for path, source in list(self.links.items()):
            if path not in self.documents:
                self.visit(path, label=f"{path} (linked from {source})")

    def send_forms_wrongly(self):
        """Each distinct form sent as a visitor leaving it empty or mistyping would."""
        for key, (form, action, method, source) in list(self.forms.items()):
            data = wrong_answers(form)
            if method == "post":
                response = self.client.post(action, data, follow=True, HTTP_ORIGIN=SAME_ORIGIN)
            else:
                response = self.client.get(action, data, follow=True)
            label = f"{key} sent empty from {source}"
            if response.status_code >= 500:
                self.broken.append(f"{label} answered {response.status_code}")
            self.keep(label, response)


def fields(form):
    return [field for field in form.find_all(["input", "select", "textarea"]) if field.get("name")]


def wrong_answers(form):
    """Hidden fields as sent; text left empty; email addresses mistyped; nothing chosen."""
    data = {}
    for field in fields(form):
        kind = field.get("type", "text") if field.name == "input" else field.name
        if kind == "hidden":
            data[field["name"]] = field.get("value", "")
        elif kind == "email":
            data[field["name"]] = "not-an-email"
        elif kind not in ("checkbox", "radio", "select", "submit", "button", "image"):
            data[field["name"]] = ""
    return data


def newsletter_email_links():
    """The pages a subscriber reaches from the newsletter's emails, and a changed link."""
    from newsletter.models import Interest, Subscriber
    from newsletter.tokens import (
        make_confirm_token,
        make_preferences_token,
        make_unsubscribe_token,
    )

    subscriber = Subscriber.objects.create(email="reader@example.org")
    slugs = list(Interest.objects.values_list("slug", flat=True))
    subscriber.interests.set(Interest.objects.all())
    return [
        (reverse("newsletter:confirm", args=[make_confirm_token(subscriber, slugs)]), 200),
        (reverse("newsletter:preferences", args=[make_preferences_token(subscriber)]), 200),
        (reverse("newsletter:unsubscribe", args=[make_unsubscribe_token(subscriber)]), 200),
        (reverse("newsletter:confirm", args=["a-changed-link"]), 400),
    ]


@pytest.fixture
def every_page_and_state(client):
    load_every_language()
    show_linked_alert("urgent")
    show_logo_and_social_links()
    collector = SiteCollector(client)
    targets = [(urlsplit(location).path, 200) for location in sitemap_locations(client)]
    targets += states_beyond_the_sitemap() + newsletter_email_links()
    assert any(path.startswith("/ar/") for path, _ in targets), targets
    for path, status in targets:
        collector.visit(path, status)
    collector.follow_links()
    collector.send_forms_wrongly()
    assert collector.broken == []
    return collector


def structured_data_problems(documents):
    problems, types = [], set()
    for label, html in documents.items():
        found, page_types = page_problems(html)
        problems += [f"{label}: {problem}" for problem in found]
        types.update(page_types)
    if not types >= EVERY_TYPE:
        problems.append(f"no page publishes {sorted(EVERY_TYPE - types)}")
    return problems


def feeds_problems(client, feeds):
    """Each feed a page links to, valid and in the language of the page that links to it."""
    problems = [] if feeds else ["no page links to a feed"]
    for path, (language, source) in feeds.items():
        response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{path} (linked from {source}) answered {response.status_code}")
            continue
        found = feed_problems(response.content)
        problems += [f"{path}: {problem}" for problem in found]
        if not found and feed_language(response.content).lower() != language.lower():
            declared = feed_language(response.content)
            problems.append(f"{path} is in {declared!r}, the page linking to it in {language!r}")
    return problems


def test_every_page_type_state_and_language_is_valid(client, every_page_and_state):
    collector = every_page_and_state
    assert any("/newsletter/preferences/" in label for label in collector.documents)
    assert sum("sent empty" in label for label in collector.documents) >= 3  # search, sign-up...
    problems = {
        "Structured data": structured_data_problems(collector.documents),
        "Feeds": feeds_problems(client, collector.feeds),
    }
    missing = missing_validator()
    if missing and IN_CI:
        pytest.fail(f"{missing}: the HTML must be validated in CI.")
    if not missing:
        problems["HTML (W3C Nu HTML Checker)"] = html_errors(collector.documents)
    report = "".join(
        f"\n{section}:\n" + "\n".join(f"  {line}" for line in lines)
        for section, lines in problems.items()
        if lines
    )
    assert not report, report
    if missing:
        pytest.skip(f"{missing}: structured data and feeds checked, HTML not validated")
