"""The admin home page's "Newsletter" panel: confirmed subscribers per topic month by month
and each recent update's emails sent and failed, as charts with the same figures in tables,
for those who may see the subscribers; in a constant number of queries."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bostonems_site.admin_charts import last_twelve_months, month_label
from newsletter.models import Delivery, Interest, Mailing, Subscriber
from newsletter.permissions import MANAGERS_GROUP
from newsletter.tests.test_admin import login_as

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


def panel_tables(client):
    """{figure caption: {row heading: {column heading: cell}}} of the Newsletter panel."""
    home = BeautifulSoup(client.get("/admin/").content, "html.parser")
    heading = home.find(id="newsletter-panel-heading")
    if heading is None:
        return None
    tables = {}
    for figure in heading.find_parent("section").find_all("figure"):
        table = figure.find("table")
        assert figure.find("svg")["aria-hidden"] == "true"  # the table is what is read out
        columns = [th.get_text(strip=True) for th in table.thead.find_all("th")][1:]
        tables[figure.figcaption.get_text(strip=True)] = {
            row.th.get_text(strip=True): dict(
                zip(columns, [td.get_text(strip=True) for td in row.find_all("td")], strict=True)
            )
            for row in table.tbody.find_all("tr")
        }
    return tables


def subscriber(email, topic, confirmed_days_ago, unsubscribed_days_ago=None):
    now = timezone.now()
    person = Subscriber.objects.create(
        email=email,
        status=Status.UNSUBSCRIBED if unsubscribed_days_ago else Status.CONFIRMED,
        confirmed_at=now - timedelta(days=confirmed_days_ago),
        unsubscribed_at=now - timedelta(days=unsubscribed_days_ago)
        if unsubscribed_days_ago
        else None,
    )
    person.interests.set([topic])
    return person


def mailing(subject, topic, statuses):
    sent = Mailing.objects.create(subject=subject, interest=topic)
    for number, status in enumerate(statuses):
        Delivery.objects.create(
            mailing=sent,
            subscriber=subscriber(f"{subject}{number}@example.org", topic, 1),
            status=status,
        )
    return sent


def test_managers_see_subscribers_per_topic_by_month_and_emails_sent_and_failed(
    django_user_model, interests
):
    news, careers = interests
    subscriber("stays@example.org", news, confirmed_days_ago=200)
    subscriber("left@example.org", news, confirmed_days_ago=200, unsubscribed_days_ago=40)
    Subscriber.objects.create(email="never-confirmed@example.org").interests.set([news])
    mailing("Snow emergency", careers, [Delivery.Status.SENT] * 2 + [Delivery.Status.FAILED])

    tables = panel_tables(login_as(django_user_model, MANAGERS_GROUP))
    months = [month_label(month) for month in last_twelve_months(timezone.localdate())]
    by_month = tables["Confirmed subscribers per topic, last 12 months"]
    assert list(by_month["News and Events"]) == months
    news_counts = [int(by_month["News and Events"][month]) for month in months]
    assert news_counts[-1] == 1  # the one who stayed; never the unconfirmed
    assert news_counts[-4] == 2  # at the end of the month three months back, before one left
    assert news_counts[0] == 0  # a year back, before either confirmed
    assert by_month["Career and Training Opportunities"][months[-1]] == "3"

    emails = next(table for caption, table in tables.items() if "sent and failed" in caption)
    [(label, figures)] = emails.items()
    assert label.startswith("Snow emergency (")
    assert figures == {"Sent": "2", "Failed": "1"}


def test_page_editors_do_not_see_the_subscriber_figures(django_user_model, interests):
    subscriber("stays@example.org", interests[0], confirmed_days_ago=10)
    assert panel_tables(login_as(django_user_model, "Editors")) is None


def test_the_admin_home_page_queries_do_not_grow_with_content(
    client, seeded_site, django_user_model
):
    admin = django_user_model.objects.create_superuser("dash", "dash@example.org", "x")
    client.force_login(admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    queries()
    baseline = queries()
    topics = [Interest.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(3)]
    for number, topic in enumerate(topics):
        subscriber(f"p{number}@example.org", topic, confirmed_days_ago=number * 30)
        mailing(f"Update {number}", topic, [Delivery.Status.SENT, Delivery.Status.FAILED])
    call_command("load_bench_content", "--factor", "2", stdout=None)
    assert queries() == baseline
