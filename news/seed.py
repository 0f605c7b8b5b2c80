"""The News & Events page with a few clearly marked sample items of each kind."""

import datetime

from django.utils import timezone
from wagtail.rich_text import RichText

from bostonems_site.seed import (
    SAMPLE_NOTE,
    SAMPLE_TRANSLATION_NOTE,
    ensure_child,
    ensure_section,
    sample_image,
    translate_section,
)
from news.models import NewsIndexPage, NewsKind, NewsPage


def _body(text):
    return [("paragraph", RichText(f"<p><b>{SAMPLE_NOTE}</b></p><p>{text}</p>"))]


def sample_items():
    today = timezone.localdate()
    # 10 a.m. Boston time (the site's TIME_ZONE), whatever the offset from UTC is that day.
    next_month = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=30), datetime.time(10))
    )
    return [
        {
            "slug": "sample-new-ambulances",
            "title": "Sample: New ambulances join the fleet",
            "kind": NewsKind.NEWS,
            "date": today - datetime.timedelta(days=2),
            "summary": "Sample news item: four new ambulances enter service this month.",
            "body": _body("Fleet Services prepared four new ambulances for service."),
            "image": sample_image("Sample image: New ambulances", "Placeholder image"),
        },
        {
            "slug": "sample-hands-only-cpr-day",
            "title": "Sample: Hands-only CPR day",
            "kind": NewsKind.EVENT,
            "date": today - datetime.timedelta(days=5),
            "summary": "Sample event: learn hands-only CPR in 30 minutes with Boston EMS.",
            "body": _body("Community Initiatives teaches hands-only CPR to residents."),
            "event_start": next_month,
            "event_end": next_month + datetime.timedelta(hours=3),
            "event_place": "Boston City Hall Plaza",
            "event_address": "1 City Hall Square\nBoston, MA 02201",
        },
        {
            "slug": "sample-emt-recruitment",
            "title": "Sample: EMT recruitment is open",
            "kind": NewsKind.CAREER,
            "date": today - datetime.timedelta(days=7),
            "summary": "Sample career opportunity: Boston EMS is hiring EMTs.",
            "body": _body("Applications for the next EMT class are open."),
        },
        {
            "slug": "sample-continuing-education",
            "title": "Sample: Continuing education for paramedics",
            "kind": NewsKind.TRAINING,
            "date": today - datetime.timedelta(days=9),
            "summary": "Sample training opportunity: the Training Academy's spring course list.",
            "body": _body("The Training Division publishes its spring courses."),
        },
    ]


def load(home, stdout):
    index = ensure_section(
        home,
        NewsIndexPage,
        "news",
        "News & Events page",
        stdout,
        title="News & Events",
        intro="<p>News, events, and career and training opportunities from Boston EMS.</p>",
    )
    for item in sample_items():
        _, created = ensure_child(index, NewsPage, item.pop("slug"), **item)
        if created:
            stdout.write(f"Created sample news item: {item['title']}")


# The sample Spanish News & Events page: the section name in menus, the home page's news box and
# the Spanish feeds. The items stay English (marked so) until translated.
SPANISH_INDEX = {
    "title": "Noticias y eventos",
    "intro": "<p>Noticias, eventos y oportunidades de carrera y capacitación de Boston EMS.</p>"
    f"<p><em>{SAMPLE_TRANSLATION_NOTE}</em></p>",
}


def load_translations(home, stdout):
    translate_section(NewsIndexPage, home, SPANISH_INDEX, stdout, "News & Events page")
