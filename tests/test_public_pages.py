"""Public means public everywhere: a page with a password or a login restriction (on itself or
above it) and a draft appear in no list, menu, card, box, feed, sitemap, search result,
language link or JSON-LD, in English and in Spanish, and managers cannot send them to
subscribers (bostonems_site/visibility.py, `for_visitors` in bostonems_site/i18n.py).

Every hidden page has a word of its own in its title, summary and address, so a page that
shows any trace of one fails; a public page made the same way shows everywhere, proving each
place looked at really lists pages."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Locale, PageViewRestriction

from divisions.models import DivisionIndexPage, DivisionPage
from media_library.models import VideoGalleryPage
from media_library.tests.factories import make_video
from news.models import NewsIndexPage, NewsPage
from newsletter.models import Delivery, Interest, Mailing, Subscriber
from newsletter.permissions import MANAGERS_GROUP, ensure_managers_group
from newsletter.sending import deliver, start_mailing
from standard_pages.models import StandardPage
from testing.helpers import publish

pytestmark = pytest.mark.django_db

# The word each hidden page carries, and how it is hidden.
PASSWORD_NEWS = "xylophone"
LOGIN_NEWS = "yarrowbloom"
DRAFT_NEWS = "zinniafield"
PASSWORD_VIDEO = "vortexreel"
LOGIN_DIVISION = "wombatunit"
LOGIN_SECTION = "umberportal"
DRAFT_SECTION = "tangelodraft"
PASSWORD_SPANISH = "quimeraaviso"
BELOW_RESTRICTED = "kestrelchild"
HIDDEN = [
    PASSWORD_NEWS,
    LOGIN_NEWS,
    DRAFT_NEWS,
    PASSWORD_VIDEO,
    LOGIN_DIVISION,
    LOGIN_SECTION,
    DRAFT_SECTION,
    PASSWORD_SPANISH,
    BELOW_RESTRICTED,
]
PUBLIC_NEWS = "quillnotice"  # public in English; its Spanish translation is password-protected
PUBLIC_VIDEO = "lanternreel"


def restrict(page, kind):
    if kind == "password":
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="x1")
    else:
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    return page


def news(index, word, **fields):
    return publish(
        index,
        NewsPage(
            title=f"Notice {word}",
            slug=word,
            summary=f"Summary {word}.",
            date=datetime.date.today() + datetime.timedelta(days=1),  # newest: in every box
            **fields,
        ),
    )


def video(gallery, word, division):
    page = make_video(
        9999,
        parent=gallery,
        title=f"Video {word}",
        slug=word,
        summary=f"Summary {word}.",
        publication_date=datetime.date.today() + datetime.timedelta(days=1),
    )
    page.related_divisions.set([division])
    page.save_revision().publish()
    return page


@pytest.fixture
def hidden_and_public(translated_site):
    home = translated_site
    index = NewsIndexPage.objects.get(locale__language_code="en")
    gallery = VideoGalleryPage.objects.get(locale__language_code="en")
    divisions = DivisionIndexPage.objects.get(locale__language_code="en")
    field_operations = DivisionPage.objects.get(slug="field-operations", locale=home.locale)

    restrict(news(index, PASSWORD_NEWS), "password")
    restrict(news(index, LOGIN_NEWS), "login")
    news(index, DRAFT_NEWS).unpublish()
    restrict(video(gallery, PASSWORD_VIDEO, field_operations), "password")
    video(gallery, PUBLIC_VIDEO, field_operations)
    division = publish(
        divisions,
        DivisionPage(
            title=f"Division {LOGIN_DIVISION}", slug=LOGIN_DIVISION, summary=LOGIN_DIVISION
        ),
    )
    restrict(division, "login")
    section = publish(
        home, StandardPage(title=f"Section {LOGIN_SECTION}", slug=LOGIN_SECTION, show_in_menus=True)
    )
    restrict(section, "login")
    # Below a restricted page: private too, with no restriction of its own.
    publish(section, StandardPage(title=f"Page {BELOW_RESTRICTED}", slug=BELOW_RESTRICTED))
    draft = publish(
        home, StandardPage(title=f"Section {DRAFT_SECTION}", slug=DRAFT_SECTION, show_in_menus=True)
    )
    draft.unpublish()

    english = news(index, PUBLIC_NEWS)
    spanish = english.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.title = f"Aviso {PASSWORD_SPANISH}"
    spanish.summary = f"Resumen {PASSWORD_SPANISH}."
    spanish.save_revision().publish()
    restrict(spanish, "password")
    return english


def public_addresses():
    return [
        f"{prefix}{path}"
        for prefix in ("", "/es")
        for path in (
            "/",
            "/news/",
            "/news/?kind=news",
            "/news/feed/",
            "/news/atom/",
            "/divisions/",
            "/divisions/field-operations/",
            "/videos/",
            "/videos/?division=field-operations",
            f"/videos/{PUBLIC_VIDEO}/",
            f"/news/{PUBLIC_NEWS}/",
        )
    ] + ["/sitemap.xml"]


def test_hidden_pages_appear_in_no_list_feed_sitemap_menu_box_or_json_ld(client, hidden_and_public):
    for address in public_addresses():
        response = client.get(address, follow=True)
        assert response.status_code == 200, address
        text = response.content.decode().lower()
        shown = [word for word in HIDDEN if word in text]
        assert shown == [], f"{address} shows {shown}"
    # The same places do list public pages made the same way (English where not translated).
    for address in ("/", "/es/", "/news/", "/es/news/", "/news/feed/", "/es/news/atom/"):
        assert PUBLIC_NEWS in client.get(address).content.decode(), address
    for address in ("/videos/", "/es/videos/", "/divisions/field-operations/"):
        assert PUBLIC_VIDEO in client.get(address).content.decode(), address
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/news/{PUBLIC_NEWS}/" in sitemap
    assert f"/es/news/{PUBLIC_NEWS}/" not in sitemap


def test_a_translation_that_is_not_public_is_offered_in_no_language_link(client, hidden_and_public):
    soup = BeautifulSoup(client.get(f"/news/{PUBLIC_NEWS}/").content, "html.parser")
    assert not soup.select('link[rel="alternate"][hreflang="es"]')
    assert not soup.select('meta[property="og:locale:alternate"]')
    assert not soup.select('a[hreflang="es"]')
    # Visitors of its Spanish address are not shown the page (password form).
    response = client.get(f"/es/news/{PUBLIC_NEWS}/")
    assert PASSWORD_SPANISH not in response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_search_finds_no_hidden_page(client, hidden_and_public, prefix):
    for word in [*HIDDEN, PUBLIC_NEWS]:
        soup = BeautifulSoup(client.get(f"{prefix}/search/", {"q": word}).content, "html.parser")
        found = [a.get_text() for a in soup.select(".search-result__title a")]
        if word == PUBLIC_NEWS:
            assert found == [f"Notice {PUBLIC_NEWS}"], prefix
        else:
            assert found == [], f"{prefix}/search/?q={word} finds {found}"


@pytest.fixture
def manager(django_user_model):
    ensure_managers_group()
    user = django_user_model.objects.create_user("manager", "manager@example.org", "x" * 16)
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    client = Client()
    client.force_login(user)
    return client


def test_managers_can_neither_list_preview_nor_send_a_hidden_page(manager, hidden_and_public):
    listing = manager.get("/admin/newsletter/send/").content.decode()
    assert PUBLIC_NEWS in listing
    assert [word for word in HIDDEN if word in listing] == []

    for word in (PASSWORD_NEWS, LOGIN_NEWS, DRAFT_NEWS):
        page = NewsPage.objects.get(slug=word)
        url = f"/admin/newsletter/send/{page.pk}/"
        response = manager.post(url, {"action": "send"})
        assert response.status_code == 400, word
        assert 'value="send"' not in response.content.decode()  # no Send button
        response = manager.post(url, {"action": "test"})
        assert response.status_code == 400, word
        response = manager.get(f"{url}preview/?language=es")
        assert response.status_code == 302 and response.url == url, word
        message = manager.get(url).content.decode()
        assert "private" in message or "Publish the page first" in message, word
    assert not Mailing.objects.exists()


def test_a_page_made_private_after_its_mailing_started_is_not_sent(hidden_and_public, mailoutbox):
    page = hidden_and_public
    subscriber = Subscriber.objects.create(
        email="reader@example.org", status=Subscriber.Status.CONFIRMED
    )
    subscriber.interests.set([Interest.objects.sources().get(slug="news-and-events")])
    mailing = start_mailing(page, None)
    restrict(page, "login")

    assert deliver(mailing.pk) == 0
    assert mailoutbox == []
    assert set(mailing.deliveries.values_list("status", flat=True)) == {Delivery.Status.SKIPPED}


# Where pages are filtered by `live` for a reason other than what visitors may see.
NOT_VISITOR_LISTS = {
    "bostonems_site/visibility.py",  # the rule itself
    "newsletter/models/signup_page.py",  # the sign-up texts wording forms and emails
    "newsletter/management/commands/bench_newsletter.py",  # benchmark set-up
    "scripts/bench.py",
    # Staff reports and reminders about the pages that are published, private ones included.
    "content_health/reviews.py",
    "content_health/digest.py",
    "content_health/admin_views.py",
    "content_health/dashboard.py",
    "content_health/translations.py",
    "content_health/link_health.py",
}


def test_pages_are_filtered_for_visitors_by_the_one_rule():
    """A new list written with `.live()` (or Wagtail's `.public()`) would be a second rule that
    forgets restrictions or language: lists use for_visitors/public_pages."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        skipped = ("tests/", "testing/", "migrations/", ".venv/", "node_modules/")
        if any(part in relative for part in skipped) or relative in NOT_VISITOR_LISTS:
            continue
        text = path.read_text()
        found += [
            f"{relative}: {pattern}"
            for pattern in (".live()", ".public()", "live=True")
            if pattern in text
        ]
    assert found == []
