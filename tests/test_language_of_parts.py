"""Every part of a page, error page or email written in another language than the page carries
`lang` (and `dir` where its direction differs): the English fallbacks of a Spanish or Arabic page
(untranslated pages' titles, summaries and places, topics, site-wide text, the sign-up texts) and
an English passage an editor marked in a translated body. Screen readers then pronounce each
part in its language, and an English part keeps its punctuation in place inside right-to-left
text (WCAG 3.1.2, Language of Parts).

What is English is known from the database, not guessed: the seed's texts with no translation
into the page's language."""

import json
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Page

from bostonems_site.blocks import RICH_TEXT_FEATURES
from bostonems_site.i18n import UNTRANSLATED_COPY
from bostonems_site.models import SiteText
from divisions.models import DivisionPage
from news.models import NewsPage
from newsletter.emails import subscriber_email, update_email
from newsletter.models import Interest, NewsletterSignupPage, Subscriber
from testing.helpers import arabic_division, soup

pytestmark = pytest.mark.django_db
ENGLISH_PASSAGE = "Hands-only CPR saves lives: push hard and fast in the centre of the chest."
SIGNUP_TEXTS = ["sidebar_heading", "email_label", "interests_legend", "consent_text"]
EMAIL_TEXTS = ["confirmation_email_text", "confirm_button_label", "email_footer"]


def lines(*texts):
    return {line.strip() for text in texts if text for line in str(text).splitlines()}


def english_fallbacks(code):
    """The English texts a page in `code` may show for want of a translation."""
    own = Page.objects.live().filter(locale__language_code=code).exclude(UNTRANSLATED_COPY)
    translated = set(own.values_list("translation_key", flat=True))
    english, in_language = set(), set()
    for page in Page.objects.live().filter(locale__language_code__in=["en", code]).specific():
        texts = lines(page.title, getattr(page, "summary", ""), getattr(page, "event_place", ""))
        if page.locale.language_code == code:
            in_language |= texts
        elif page.translation_key not in translated:
            english |= texts
    topics = Interest.objects.all().select_related("locale")
    topic_keys = {t.translation_key for t in topics if t.locale.language_code == code}
    english |= lines(*(t.name for t in topics if t.translation_key not in topic_keys))
    if not SiteText.objects.filter(locale__language_code=code).exists():
        for text in SiteText.objects.filter(locale__language_code="en"):
            english |= lines(text.emergency_text, text.not_found_heading, text.not_found_message)
    signup = NewsletterSignupPage.for_language(code)
    if signup.locale.language_code != code:
        english |= lines(*(getattr(signup, name) for name in SIGNUP_TEXTS + EMAIL_TEXTS))
    # A name spelt the same in both languages (a place, "Boston EMS") is not a fallback.
    return {text for text in english - in_language if len(text) > 3}


def unmarked_english(document, english, page_language):
    """Texts of `document` (parsed HTML) containing one of `english` whose nearest `lang` is not
    English, or, in a right-to-left page, whose nearest `dir` is not ltr."""
    page_rtl = document.html.get("dir") == "rtl"
    found = []
    for string in document.body.find_all(string=True):
        if string.parent.name in ("script", "style"):
            continue
        text = " ".join(string.split())
        if not any(fallback in text for fallback in english):
            continue
        language = string.find_parent(attrs={"lang": True})
        direction = string.find_parent(attrs={"dir": True})
        if not (language and language["lang"] == "en"):
            found.append(f"{text!r} has lang={language and language['lang']!r}")
        elif page_rtl and not (direction and direction["dir"] == "ltr"):
            found.append(f"{text!r} has dir={direction and direction['dir']!r}")
    return found


def mark_an_english_passage(page):
    """An editor selects an English sentence in the translated body and presses the "EN"
    (passage in English) button: the editor's content state, saved as the editor saves it."""
    converter = ContentstateConverter(RICH_TEXT_FEATURES)
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": f"Texto traducido. {ENGLISH_PASSAGE}",
                "inlineStyleRanges": [
                    {"offset": 17, "length": len(ENGLISH_PASSAGE), "style": "LANGUAGE_EN"}
                ],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }

    html = converter.to_database_format(json.dumps(contentstate))
    # The editor loads what it saved: the mark survives a round trip through the whitelist.
    assert "LANGUAGE_EN" in converter.from_database_format(html)
    page.body = [{"type": "paragraph", "value": html}, *page.body.raw_data]
    page.save_revision().publish()
    return html


@pytest.fixture
def every_language(translated_site):
    arabic_division()
    spanish = DivisionPage.objects.get(slug="field-operations", locale__language_code="es")
    html = mark_an_english_passage(spanish)
    assert '<span lang="en" dir="ltr">' in html
    return spanish


def pages_in(code):
    prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
    own = Page.objects.live().filter(locale__language_code=code, depth__gt=1)
    paths = [page.url for page in own.exclude(UNTRANSLATED_COPY).specific()]
    return paths + [f"{prefix}/search/?q=division", f"{prefix}/this-page-does-not-exist/"]


@pytest.mark.parametrize("code", ["es", "ar"])
def test_every_english_part_of_a_translated_page_is_marked(client, every_language, code):
    english = english_fallbacks(code) | {ENGLISH_PASSAGE}
    assert english
    problems, seen = [], set()
    for path in pages_in(code):
        document = soup(client, path, status=None)
        assert document.html["lang"] == code, path
        problems += [f"{path}: {problem}" for problem in unmarked_english(document, english, code)]
        seen |= {text for text in english if text in " ".join(document.body.get_text().split())}
    assert problems == [], "\n".join(problems)
    # The check saw fallbacks: listings, the menu, the footer, the 404 page, the passage.
    assert ENGLISH_PASSAGE in seen if code == "es" else len(seen) > 3, seen


def test_the_404_page_is_in_the_visitors_language_with_english_marked(client, every_language):
    document = soup(client, "/ar/this-page-does-not-exist/", status=404)
    assert (document.html["lang"], document.html["dir"]) == ("ar", "rtl")
    heading = document.h1
    assert (heading.get("lang"), heading.get("dir")) == ("en", "ltr"), heading


def test_the_mark_for_an_english_passage_is_planted_where_it_should(every_language, client):
    document = soup(client, every_language.url)
    passage = document.find("span", lang="en")
    assert passage and passage.get_text() == ENGLISH_PASSAGE and passage["dir"] == "ltr"


@pytest.mark.parametrize("code", ["es", "ar"])
def test_emails_are_in_the_readers_direction_with_english_parts_marked(every_language, code):
    subscriber = Subscriber.objects.create(email=f"{code}@example.org", language_code=code)
    subscriber.interests.set(Interest.objects.sources())
    news = NewsPage.objects.filter(locale__language_code="en").first()
    mailing = SimpleNamespace(subject=news.title, interest=Interest.objects.sources().first())
    english = english_fallbacks(code)
    for message in (
        subscriber_email(subscriber, Subscriber.Mail.CONFIRMATION),
        subscriber_email(subscriber, Subscriber.Mail.PREFERENCES),
        update_email(subscriber, mailing, news),
    ):
        html = message.alternatives[0][0]
        document = BeautifulSoup(html, "html.parser")
        assert document.html["lang"] == code
        assert document.html["dir"] == ("rtl" if code == "ar" else "ltr")
        assert len(document.find_all("h1")) == 1, message.subject
        assert "-left" not in html and "-right" not in html  # mirrors in right-to-left
        assert unmarked_english(document, english, code) == [], message.subject
    # Without an Arabic sign-up page, the confirmation's wording comes from the Arabic catalogue.
    confirmation = subscriber_email(subscriber, Subscriber.Mail.CONFIRMATION)
    heading = BeautifulSoup(confirmation.alternatives[0][0], "html.parser").h1
    assert heading.get("lang") is None and heading.get_text() != "Confirm your subscription"
