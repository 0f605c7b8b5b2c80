"""The Subscribers section of the Wagtail admin, through the admin's own views."""

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from newsletter.models import Interest, Subscriber
from newsletter.permissions import MANAGERS_GROUP, ensure_managers_group
from testing.admin_forms import refused

pytestmark = pytest.mark.django_db
INDEX = "/admin/subscribers/"
Status = Subscriber.Status


@pytest.fixture
def subscribers(interests):
    news, careers = interests
    ann = Subscriber.objects.create(
        email="ann@example.org",
        status=Status.CONFIRMED,
        confirmed_at=timezone.now(),
        source="/",
        consent_text="We will only email you about the topics you choose.",
    )
    ann.interests.set([news, careers])
    bob = Subscriber.objects.create(email="=cmd@example.org", status=Status.PENDING)
    bob.interests.set([careers])
    return ann, bob


def login_as(django_user_model, group_name):
    user = django_user_model.objects.create_user(
        username=group_name.lower().replace(" ", "-"), password="x" * 16
    )
    if group_name == MANAGERS_GROUP:
        ensure_managers_group()
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(django_user_model):
    return login_as(django_user_model, MANAGERS_GROUP)


@pytest.fixture
def editor_client(django_user_model):
    return login_as(django_user_model, "Editors")


def admin_menu(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_superusers_and_newsletter_managers_see_subscribers(admin_client, manager_client):
    for client in (admin_client, manager_client):
        menu = admin_menu(client)
        assert '"label": "Subscribers"' in menu and INDEX in menu
        assert client.get(INDEX).status_code == 200


def test_page_editors_do_not_see_subscribers(editor_client, subscribers):
    menu = admin_menu(editor_client)
    assert '"label": "Subscribers"' not in menu and INDEX not in menu
    for url in (INDEX, INDEX + "?export=csv", f"{INDEX}inspect/{subscribers[0].pk}/"):
        response = editor_client.get(url)
        assert refused(response), url
        assert b"ann@example.org" not in response.content
    assert refused(editor_client.post(f"{INDEX}delete/{subscribers[0].pk}/"))
    assert Subscriber.objects.filter(pk=subscribers[0].pk).exists()


def test_the_managers_group_has_exactly_the_needed_permissions():
    group = Group.objects.get(name=MANAGERS_GROUP)  # created by the data migration
    granted = sorted(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == sorted(
        [
            ("newsletter", "add_interest"),
            ("newsletter", "add_mailing"),
            ("newsletter", "change_interest"),
            ("newsletter", "delete_interest"),
            ("newsletter", "delete_subscriber"),
            ("newsletter", "view_interest"),
            ("newsletter", "view_mailing"),
            ("newsletter", "view_subscriber"),
            ("wagtailadmin", "access_admin"),
        ]
    )


def test_nobody_adds_or_edits_subscribers_in_the_admin(admin_client, subscribers):
    listing = admin_client.get(INDEX).content.decode()
    assert f"{INDEX}new/" not in listing
    # Not even a superuser: the admin refuses both views.
    assert refused(admin_client.get(f"{INDEX}new/"))
    assert refused(admin_client.get(f"{INDEX}edit/{subscribers[0].pk}/"))


def test_listing_search_and_filters(manager_client, subscribers, interests):
    ann, bob = subscribers
    news, _ = interests

    def emails(query):
        response = manager_client.get(INDEX + query)
        assert response.status_code == 200
        html = response.content.decode()
        return {s.email for s in (ann, bob) if s.email in html}

    assert emails("") == {ann.email, bob.email}
    assert emails("?q=ann") == {ann.email}
    assert emails("?status=pending") == {bob.email}
    assert emails(f"?interests={news.pk}") == {ann.email}
    today = timezone.localdate().isoformat()
    assert emails(f"?created_at_from={today}") == {ann.email, bob.email}
    assert emails("?created_at_to=2000-01-01") == set()


def export_rows(client, query):
    response = client.get(INDEX + "?export=csv&" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_content(manager_client, subscribers):
    response = manager_client.get(INDEX + "?export=csv&status=confirmed")
    assert response["Content-Type"].startswith("text/csv")
    assert "newsletter-subscribers.csv" in response["Content-Disposition"]
    rows = export_rows(manager_client, "status=confirmed")
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == [
        "Email",
        "Status",
        "Topics",
        "Signed up",
        "Confirmed",
        "Unsubscribed",
        "Signed up on page",
        "Language",
        "Consent wording",
    ]
    assert row["Email"] == "ann@example.org"
    assert row["Status"] == "Confirmed"
    assert row["Topics"] == "News and Events, Career and Training Opportunities"
    assert row["Signed up on page"] == "/"
    assert row["Consent wording"] == "We will only email you about the topics you choose."
    # Boston time as the listing shows it, ISO 8601 to the second with its offset.
    ann = subscribers[0]
    boston = timezone.localtime(ann.confirmed_at)
    assert row["Confirmed"] == boston.strftime("%Y-%m-%dT%H:%M:%S") + row["Confirmed"][-6:]
    assert row["Confirmed"][-6:] in ("-05:00", "-04:00")  # Eastern, standard or summer time
    assert row["Unsubscribed"] == ""


def test_a_subscriber_who_came_back_is_exported_without_their_old_unsubscribe_time(
    manager_client, interests, post_signup, client
):
    """Unsubscribe, sign up again, confirm through the emailed link: the export shows one
    consistent state (Confirmed, a new confirmation time, no unsubscribe time)."""
    from django.core import mail

    from newsletter import services
    from newsletter.tests.conftest import valid_data

    subscriber = Subscriber.objects.create(email="back@example.org", status=Status.CONFIRMED)
    services.unsubscribe(subscriber)
    [row] = export_rows(manager_client, "status=unsubscribed")
    assert row["Status"] == "Unsubscribed" and row["Unsubscribed"] != ""

    post_signup(valid_data(email="back@example.org"))
    [pending] = export_rows(manager_client, "status=pending")
    assert (pending["Status"], pending["Unsubscribed"]) == ("Pending confirmation", "")
    confirm_path = re.search(r"/newsletter/confirm/\S+/", mail.outbox[-1].body).group(0)
    response = client.post(confirm_path)  # the Confirm button
    assert response.status_code == 302  # on to the preferences page
    [row] = export_rows(manager_client, "status=confirmed")
    assert (row["Email"], row["Status"], row["Unsubscribed"]) == (
        "back@example.org",
        "Confirmed",
        "",
    )
    assert row["Confirmed"] != ""


def test_a_topics_export_lists_its_confirmed_subscribers_unless_asked_otherwise(
    manager_client, subscribers, interests
):
    news, careers = interests
    gone = Subscriber.objects.create(email="gone@example.org", status=Status.UNSUBSCRIBED)
    gone.interests.set([careers])
    emails = lambda query: sorted(row["Email"] for row in export_rows(manager_client, query))  # noqa: E731
    assert emails(f"interests={careers.pk}") == ["ann@example.org"]
    assert emails(f"interests={careers.pk}&status=all") == [
        "'=cmd@example.org",
        "ann@example.org",
        "gone@example.org",
    ]
    assert emails(f"interests={careers.pk}&status=unsubscribed") == ["gone@example.org"]
    assert len(emails("")) == 3  # no topic: every status
    # The listing shows the status it applies, and names its columns.
    html = manager_client.get(f"{INDEX}?interests={careers.pk}").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("input[name=status][value=confirmed]").has_attr("checked")
    headings = [" ".join(th.get_text().split()) for th in soup.select("table.listing thead th")]
    assert headings[:5] == ["Email address", "Status", "Topics", "Signed up", "Confirmed"]


def test_csv_export_neutralises_spreadsheet_formulas(manager_client, subscribers):
    response = manager_client.get(INDEX + "?export=csv&status=pending")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["Email"] == "'=cmd@example.org"


def test_xlsx_export(manager_client, subscribers):
    from openpyxl import load_workbook

    response = manager_client.get(INDEX + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][:3] == ("Email", "Status", "Topics")
    assert {row[0] for row in values[1:]} == {"ann@example.org", "=cmd@example.org"}


def test_listing_query_count_does_not_grow_with_subscribers(manager_client, subscribers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(INDEX).status_code == 200
        return len(captured)

    queries()
    baseline = queries()
    careers = Interest.objects.get(slug="career-and-training-opportunities")
    for number in range(18):
        Subscriber.objects.create(email=f"s{number}@example.org").interests.set([careers])
    assert queries() == baseline


def test_inspect_shows_the_consent_record(manager_client, subscribers):
    ann, _ = subscribers
    html = manager_client.get(f"{INDEX}inspect/{ann.pk}/").content.decode()
    assert "ann@example.org" in html
    assert "We will only email you about the topics you choose." in html
    assert "Signed up on page" in html


def test_deleting_erases_the_address_everywhere(manager_client, subscribers):
    ann, _ = subscribers
    url = f"{INDEX}delete/{ann.pk}/"
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(url)
    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=ann.pk).exists()
    content_type = ContentType.objects.get_for_model(Subscriber)
    labels = list(
        ModelLogEntry.objects.filter(content_type=content_type).values_list("label", flat=True)
    )
    assert labels and not any("ann@example.org" in label for label in labels)


def test_managers_add_a_topic_that_appears_on_the_site(manager_client, client, seeded_site):
    add_url = "/admin/interests/add/"
    form = querydict_from_html(manager_client.get(add_url).content.decode(), form_id=None)
    form.update({"name": "Community CPR classes", "slug": ""})
    response = manager_client.post(add_url, form)
    assert response.status_code == 302, response.content.decode()[:1000]
    interest = Interest.objects.get(name="Community CPR classes")
    assert interest.slug == "community-cpr-classes"
    assert interest.sort_order == 3  # after the two seed topics
    assert "Community CPR classes" in client.get("/").content.decode()


def test_editors_cannot_manage_topics(editor_client, interests):
    assert editor_client.get("/admin/interests/").status_code in (302, 403)
    assert not Permission.objects.filter(group__name="Editors", codename__contains="interest")
