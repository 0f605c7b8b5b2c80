"""The editors' guide names what the admin shows: every *field*, *button* and *menu → item*
named in a section of docs/editors.md is on the admin screens that section is about, so a
renamed label or a field the guide forgot (a required Icon, an alert's Title) fails here."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.models import Site

from divisions.models import DivisionIndexPage
from standard_pages.models import StandardPage

pytestmark = pytest.mark.django_db
GUIDE = Path(settings.BASE_DIR) / "docs" / "editors.md"
# The guide's italic names that are not labels: the kind of a news item, a colour.
NOT_LABELS = {"news or event page"}
# A required field's label, as Wagtail marks it: "Summary<span class="w-required-mark">*</span>".
REQUIRED_MARK = re.compile(
    r">\s*([^<>]+?)\s*(?:</span>)?<span class=\"w-required-mark\"[^>]*>\*</span>"
)
# Required, but Wagtail fills it in from the title.
FILLED_IN_FOR_YOU = {"Slug"}


def guide_section(heading):
    text = GUIDE.read_text()
    return re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M).group(1)


def named_in(section):
    names = set()
    for emphasis in re.findall(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", section):
        names.update(part.strip() for part in emphasis.split("→"))
    return names - NOT_LABELS


def admin_text(client, *urls):
    text = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text += html.unescape(response.content.decode())
    return text


def division_screens():
    index = DivisionIndexPage.objects.get(locale__language_code="en")
    return [f"/admin/pages/add/divisions/divisionpage/{index.pk}/"]


def alert_screens():
    return ["/admin/snippets/site_alerts/sitealert/add/", "/admin/snippets/site_alerts/sitealert/"]


def review_screens():
    page = StandardPage.objects.get(slug="privacy")
    site = Site.objects.get(is_default_site=True)
    return [
        f"/admin/pages/{page.pk}/edit/",
        "/admin/content-health/due-for-review/",
        "/admin/content-health/feedback/",
        f"/admin/settings/content_health/reviewsettings/{site.pk}/",
    ]


@pytest.mark.parametrize(
    "heading, screens",
    [
        ("Divisions", division_screens),
        ("Site alerts", alert_screens),
        ("Owners and review dates", review_screens),
        ("Page feedback", review_screens),
    ],
)
def test_the_editors_guide_names_what_the_admin_shows(
    client, seeded_site, django_user_model, heading, screens
):
    admin = django_user_model.objects.create_superuser("guide", "guide@example.org", "x")
    client.force_login(admin)
    text = admin_text(client, *screens()) + " Settings Reports Pages"  # the menu's own words
    missing = sorted(name for name in named_in(guide_section(heading)) if name not in text)
    assert missing == [], f"docs/editors.md '{heading}' names what the admin does not show"


@pytest.mark.parametrize(
    "heading, screens", [("Divisions", division_screens), ("Site alerts", alert_screens)]
)
def test_the_editors_guide_names_every_required_field(
    client, seeded_site, django_user_model, heading, screens
):
    admin = django_user_model.objects.create_superuser("guide", "guide@example.org", "x")
    client.force_login(admin)
    form = admin_text(client, screens()[0])
    required = set(REQUIRED_MARK.findall(form)) - FILLED_IN_FOR_YOU
    assert required, "no required fields found: has the admin's markup changed?"
    missing = sorted(required - named_in(guide_section(heading)))
    assert missing == [], f"docs/editors.md '{heading}' leaves out required fields"


def test_the_clinical_groups_and_workflow_the_guide_names_exist(seeded_site):
    section = guide_section("Clinical guidance")
    for name in ("Medical reviewers", "Clinical sign-off", "Clinical review"):
        assert f"*{name}*" in section
    assert Group.objects.filter(name="Medical reviewers").exists()


def test_the_alerts_list_says_yes_or_no_not_true(client, seeded_site, django_user_model):
    from testing.helpers import show_site_alert

    show_site_alert()
    admin = django_user_model.objects.create_superuser("guide", "guide@example.org", "x")
    client.force_login(admin)
    listing = admin_text(client, "/admin/snippets/site_alerts/sitealert/")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", listing, re.S)
    words = {re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells}
    assert "True" not in words and "False" not in words
    assert "Show the alert" in listing and "Yes" in words


def test_publish_during_a_review_says_that_it_cancels_the_review(
    client, seeded_site, django_user_model
):
    from wagtail.models import Workflow

    page = StandardPage.objects.get(slug="privacy")
    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "x")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    page.save_revision(user=moderator)
    Workflow.objects.get(name="Moderators approval").start(page, moderator)
    editor = admin_text(client, f"/admin/pages/{page.pk}/edit/")
    assert "Publish now, cancelling the review" in editor and "Approve and Publish" in editor
