"""The structured data checker catches each missing property Google documents and each
badly formatted value (so a passing site check means something)."""

import copy
import json

import pytest

from testing.structured_data_checks import page_problems

ORGANIZER = {"@type": "GovernmentOrganization", "name": "Boston EMS", "url": "https://x.org/"}
VALID = {
    "NewsArticle": {
        "headline": "New ambulances",
        "image": ["https://x.org/a.jpg"],
        "datePublished": "2026-11-30",
        "dateModified": "2026-11-30T09:00:00-05:00",
        "author": ORGANIZER,
    },
    "Event": {
        "name": "CPR class",
        "startDate": "2026-12-05T10:00:00-05:00",
        "endDate": "2026-12-05T12:00:00-05:00",
        "location": {"@type": "Place", "name": "HQ", "address": "785 Albany Street"},
        "description": "Learn hands-only CPR.",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "image": "https://x.org/cpr.jpg",
        "organizer": ORGANIZER,
    },
    "VideoObject": {
        "name": "Hands-only CPR",
        "thumbnailUrl": ["https://x.org/poster.jpg"],
        "uploadDate": "2026-11-01",
        "description": "How to do it.",
        "duration": "PT2M10S",
        "embedUrl": "https://player.example/1",
    },
    "BreadcrumbList": {
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://x.org/"},
            {"@type": "ListItem", "position": 2, "name": "Divisions"},
        ]
    },
    "GovernmentOrganization": {
        "name": "Boston EMS",
        "url": "https://x.org/",
        "logo": "https://x.org/logo.png",
        "description": "Boston's public ambulance service.",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "785 Albany Street",
            "addressLocality": "Boston",
        },
        "telephone": "617-343-2367",
        "email": "info@example.org",
    },
}


def page(kind, **changes):
    data = {"@context": "https://schema.org", "@type": kind, **copy.deepcopy(VALID[kind])}
    for name, value in changes.items():
        if value is None:
            del data[name]
        else:
            data[name] = value
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_complete_structured_data_passes():
    html = "".join(page(kind) for kind in VALID)
    problems, types = page_problems(html)
    assert problems == []
    assert types == ["NewsArticle", "Event", "VideoObject", "BreadcrumbList", "Organization"]


@pytest.mark.parametrize(
    ("kind", "removed", "expected"),
    [
        ("Event", "name", "Event: required property name is missing"),
        ("Event", "startDate", "Event: required property startDate is missing"),
        ("Event", "location", "Event: required property location is missing"),
        ("Event", "organizer", "Event: recommended property organizer is missing"),
        ("Event", "eventStatus", "Event: recommended property eventStatus is missing"),
        ("VideoObject", "thumbnailUrl", "VideoObject: required property thumbnailUrl is missing"),
        ("VideoObject", "uploadDate", "VideoObject: required property uploadDate is missing"),
        (
            "VideoObject",
            "embedUrl",
            "VideoObject: recommended property contentUrl or embedUrl is missing",
        ),
        ("NewsArticle", "author", "NewsArticle: recommended property author is missing"),
        ("NewsArticle", "image", "NewsArticle: recommended property image is missing"),
        ("BreadcrumbList", "itemListElement", "BreadcrumbList: required property"),
        (
            "GovernmentOrganization",
            "logo",
            "GovernmentOrganization: recommended property logo is missing",
        ),
    ],
)
def test_checker_catches_a_missing_property(kind, removed, expected):
    problems, _ = page_problems(page(kind, **{removed: None}))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_checker_catches_missing_nested_properties_and_bad_values():
    problems, _ = page_problems(
        page(
            "Event",
            location={"@type": "Place", "name": "HQ"},
            organizer={"@type": "Organization"},
            startDate="2026-12-05T10:00:00",
            image="/media/cpr.jpg",
        )
    )
    assert problems == [
        "Event: required property location.address is missing",
        "Event: required property organizer.name is missing",
        "Event: recommended property organizer.url is missing",
        "Event: startDate is not an ISO 8601 date (with a time zone): '2026-12-05T10:00:00'",
        "Event: image is not an absolute URL: '/media/cpr.jpg'",
    ]
    problems, _ = page_problems(page("VideoObject", duration="2:10"))
    assert problems == ["VideoObject: duration is not an ISO 8601 duration: '2:10'"]


def test_checker_catches_broken_breadcrumbs_unknown_types_and_bad_json():
    crumbs = [
        {"@type": "ListItem", "position": 1, "name": "Home"},
        {"@type": "ListItem", "position": 3, "name": ""},
    ]
    problems, _ = page_problems(page("BreadcrumbList", itemListElement=crumbs))
    assert problems == [
        "BreadcrumbList: ListItem 1 has no item (the page's URL)",
        "BreadcrumbList: ListItem 2 has position 3",
        "BreadcrumbList: ListItem 2 has no name",
    ]
    html = '<script type="application/ld+json">{"@type": "Recipe"}</script>'
    assert page_problems(html)[0] == ["Recipe: not a type the site is checked for"]
    html = '<script type="application/ld+json">{"@type": </script>'
    assert page_problems(html)[0][0].startswith("JSON-LD is not JSON")
