import datetime
import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from defusedxml.minidom import parseString
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from news.models import NewsIndexPage, NewsKind, NewsPage
from testing.helpers import QUERY_BUDGET, count_queries, publish

pytestmark = pytest.mark.django_db


def titles(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return [a.get_text() for a in soup.select(".news-item__title a")]


def add_item(index, slug, **fields):
    fields.setdefault("title", slug)
    fields.setdefault("summary", f"Summary of {slug}")
    return publish(index, NewsPage(slug=slug, **fields))


def test_index_lists_sample_items_newest_first_and_home_shows_latest(client, seeded_site):
    expected = [
        "Sample: New ambulances join the fleet",
        "Sample: Hands-only CPR day",
        "Sample: EMT recruitment is open",
        "Sample: Continuing education for paramedics",
    ]
    assert titles(client, "/news/") == expected
    assert titles(client, "/") == expected[:3]


def test_filter_by_kind_and_upcoming_events_first(client, seeded_site):
    index = NewsIndexPage.objects.get()
    now = timezone.now()
    add_item(
        index,
        "past-event",
        kind=NewsKind.EVENT,
        event_start=now - datetime.timedelta(days=3),
        event_place="Station 1",
    )
    add_item(
        index,
        "soon-event",
        kind=NewsKind.EVENT,
        event_start=now + datetime.timedelta(days=1),
        event_place="Station 2",
    )
    assert titles(client, "/news/?kind=event") == [
        "soon-event",
        "Sample: Hands-only CPR day",
        "past-event",
    ]
    assert titles(client, "/news/?kind=career") == ["Sample: EMT recruitment is open"]


@pytest.mark.parametrize(
    "query, status",
    [
        ("?page=abc", 404),
        ("?page=0", 404),
        ("?page=99999", 404),
        ("?kind=nope", 404),
        ("?page=1", 200),
        ("?kind=news&page=1", 200),
        ("?unknown=1", 200),
    ],
)
def test_odd_listing_parameters_never_fail(client, seeded_site, query, status):
    assert client.get("/news/" + query).status_code == status


def test_pagination_keeps_the_filter(client, seeded_site):
    index = NewsIndexPage.objects.get()
    for number in range(12):
        add_item(index, f"news-{number}", kind=NewsKind.NEWS)
    html = client.get("/news/?kind=news").content.decode()
    assert 'href="?kind=news&amp;page=2"' in html
    assert 'aria-current="page"' in html
    assert client.get("/news/?kind=news&page=2").status_code == 200


def test_feeds_are_valid_xml_with_the_items(client, seeded_site):
    """A reader sees each item under its title, newest first, linking to the item's page on
    the site's address."""
    root = seeded_site.get_site().root_url
    expected = [
        (page.title, root + page.url)
        for page in NewsPage.objects.live()
        .filter(locale__language_code="en")
        .order_by("-date", "-first_published_at")
    ]
    assert len(expected) == 4

    def text(node, tag):
        return node.getElementsByTagName(tag)[0].firstChild.data

    response = client.get("/news/feed/")
    assert response.status_code == 200
    items = parseString(response.content).getElementsByTagName("item")
    assert [(text(item, "title"), text(item, "link")) for item in items] == expected
    response = client.get("/news/atom/")
    assert response.status_code == 200
    entries = parseString(response.content).getElementsByTagName("entry")
    shown = [
        (text(entry, "title"), entry.getElementsByTagName("link")[0].getAttribute("href"))
        for entry in entries
    ]
    assert shown == expected


def test_news_and_event_pages_carry_json_ld(client, seeded_site):
    for slug, kind in (
        ("sample-new-ambulances", "NewsArticle"),
        ("sample-hands-only-cpr-day", "Event"),
    ):
        soup = BeautifulSoup(client.get(f"/news/{slug}/").content, "html.parser")
        blocks = [json.loads(t.string) for t in soup.find_all("script", type="application/ld+json")]
        data = next(block for block in blocks if block["@type"] in ("NewsArticle", "Event"))
        assert data["@type"] == kind
        assert data["name"] and data["description"]
        if kind == "Event":
            assert data["startDate"] and data["location"]["name"] == "Boston City Hall Plaza"
        else:
            assert data["datePublished"] and data["headline"]


def test_feeds_and_json_ld_name_the_department_as_the_site_settings_do(client, seeded_site):
    from bostonems_site.models import SiteSettings

    settings = SiteSettings.for_site(seeded_site.get_site())
    settings.department_name = "Boston Emergency Medical Services"
    settings.save()
    feed = parseString(client.get("/news/feed/").content)
    channel_title = feed.getElementsByTagName("title")[0].firstChild.data
    assert channel_title.endswith("| Boston Emergency Medical Services")
    soup = BeautifulSoup(client.get("/news/sample-hands-only-cpr-day/").content, "html.parser")
    blocks = [json.loads(t.string) for t in soup.find_all("script", type="application/ld+json")]
    event = next(block for block in blocks if block["@type"] == "Event")
    assert event["organizer"]["name"] == "Boston Emergency Medical Services"


def test_json_ld_cannot_break_out_of_its_script(client, seeded_site):
    index = NewsIndexPage.objects.get()
    page = add_item(index, "escape", title="</script><script>alert(1)</script>")
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in html


def test_an_event_needs_a_start_and_a_place(admin_client, seeded_site):
    index = NewsIndexPage.objects.get()
    add_url = reverse("wagtailadmin_pages:add", args=["news", "newspage", index.id])
    form = querydict_from_html(admin_client.get(add_url).content.decode(), form_id="page-edit-form")
    form.update(nested_form_data({"body": streamfield([])}))
    form.update(
        {
            "title": "Open house",
            "slug": "open-house",
            "summary": "Come see us.",
            "kind": "event",
            "action-publish": "publish",
        }
    )
    response = admin_client.post(add_url, form)
    assert response.status_code == 200
    assert "An event needs a start date and time." in response.content.decode()
    assert not NewsPage.objects.filter(slug="open-house").exists()


@pytest.mark.parametrize("url", ["/news/", "/news/sample-hands-only-cpr-day/", "/"])
def test_query_count_does_not_grow_with_ten_times_the_items(client, seeded_site, url):
    count_queries(client, url)
    baseline = count_queries(client, url)
    index = NewsIndexPage.objects.get()
    for number in range(36):
        add_item(index, f"extra-{number}", kind=NewsKind.CAREER)
    assert count_queries(client, url) == baseline
    assert baseline <= QUERY_BUDGET, f"{url} ran {baseline} queries"


def _user_in(group_name):
    user = get_user_model().objects.create_user(group_name.lower(), password="pw-not-used-12")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _edit_and_press(client, page, action):
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.id])
    response = client.get(edit_url)
    assert response.status_code == 200
    form = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    form.update(nested_form_data({"body": streamfield([])}))
    form.update({"summary": "Changed by staff.", action: "1"})
    return client.post(edit_url, form)


def test_editors_submit_for_moderation_and_cannot_publish(client, seeded_site):
    client.force_login(_user_in("Editors"))
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    _edit_and_press(client, page, "action-publish")
    page.refresh_from_db()
    assert page.summary != "Changed by staff."  # the live version is untouched

    _edit_and_press(client, page, "action-submit")
    page.refresh_from_db()
    assert page.has_unpublished_changes
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.status == "in_progress"


def test_moderators_publish(client, seeded_site):
    client.force_login(_user_in("Moderators"))
    page = NewsPage.objects.get(slug="sample-emt-recruitment")
    response = _edit_and_press(client, page, "action-publish")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.summary == "Changed by staff."


def test_scheduled_page_goes_live_with_publish_scheduled(client, seeded_site):
    index = NewsIndexPage.objects.get()
    page = NewsPage(slug="scheduled", title="Scheduled item", summary="Later.", live=False)
    index.add_child(instance=page)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # with a future go-live date this only schedules it
    page.refresh_from_db()
    assert not page.live
    assert client.get("/news/scheduled/").status_code == 404

    # Let the clock pass the go-live time: move the scheduled moment into the past.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled", stdout=StringIO())
    assert client.get("/news/scheduled/").status_code == 200


def test_sample_event_starts_at_ten_in_the_morning_boston_time(client, seeded_site):
    event = NewsPage.objects.get(slug="sample-hands-only-cpr-day")
    soup = BeautifulSoup(client.get(event.url).content, "html.parser")
    starts, ends = (time.get_text() for time in soup.select("dd time"))
    assert starts.endswith("10:00 a.m.")
    assert ends.endswith("1:00 p.m.")
