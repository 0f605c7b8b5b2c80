"""The "Newsletter" panel on the admin home page, for those who may see the subscribers:
confirmed subscribers per topic at the end of each of the last twelve months, and emails sent
and failed for each update sent in that time. Small SVG charts drawn on the server with the
same figures in tables (bostonems_site/admin_charts.py).

A constant number of queries however many subscribers and mailings there are: the topics,
their subscribers grouped by month, and the mailings' delivery counts. Subscribers are counted under
the topics they hold now (the history of their choices is not kept)."""

from datetime import timedelta

from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bostonems_site.admin_charts import ChartsPanel, bar_chart, last_twelve_months, monthly_chart
from newsletter.models import Delivery, Interest, Mailing, Subscriber

MAILINGS_SHOWN = 10


def subscribers_chart(today):
    """Each topic's confirmed subscribers at the end of each month (now, for this month). The
    pairs of topic and subscriber are read once, grouped by the months the subscriber confirmed
    and left: confirmed by the end of a month means confirmed in it or before, still there at
    its end means not left in it or before. (A count per month in SQL read every pair twelve
    times: 250 ms with 20,000 subscribers on a busy machine.)"""
    months = last_twelve_months(today)
    topics = list(Interest.objects.sources().order_by(F("sort_order").asc(nulls_last=True), "pk"))
    groups = (
        Subscriber.interests.through.objects.filter(
            interest__in=[topic.pk for topic in topics], subscriber__confirmed_at__isnull=False
        )
        .exclude(subscriber__status=Subscriber.Status.PENDING)
        .annotate(
            joined=TruncMonth("subscriber__confirmed_at", output_field=DateField()),
            left=TruncMonth("subscriber__unsubscribed_at", output_field=DateField()),
        )
        .values_list("interest_id", "joined", "left")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {topic.pk: [0] * len(months) for topic in topics}
    for interest_id, joined, left, count in groups:
        for index, month in enumerate(months):
            if joined <= month and (left is None or left > month):
                counts[interest_id][index] += count
    rows = [(topic.name, counts[topic.pk]) for topic in topics]
    return monthly_chart("Confirmed subscribers per topic, last 12 months", months, rows)


def mailings_chart(today):
    mailings = (
        Mailing.objects.filter(created_at__date__gt=today - timedelta(days=365))
        .annotate(
            sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        )
        .order_by("-created_at", "-pk")[:MAILINGS_SHOWN]
    )
    rows = [
        (
            f"{mailing.subject} ({timezone.localtime(mailing.created_at):%Y-%m-%d})",
            [mailing.sent, mailing.failed],
        )
        for mailing in mailings
    ]
    return bar_chart(
        f"Updates sent in the last 12 months (latest {MAILINGS_SHOWN}): emails sent and failed",
        ["Sent", "Failed"],
        rows,
    )


class NewsletterPanel(ChartsPanel):
    name = "newsletter"
    heading = "Newsletter"
    order = 160

    def charts(self, today):
        return [subscribers_chart(today), mailings_chart(today)]
