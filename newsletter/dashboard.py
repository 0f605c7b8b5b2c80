"""The "Newsletter" panel on the admin home page, for those who may see the subscribers:
confirmed subscribers per topic at the end of each of the last twelve months, and emails sent
and failed for each update sent in that time. Small SVG charts drawn on the server with the
same figures in tables (bostonems_site/admin_charts.py).

A constant number of queries however many subscribers and mailings there are: one for the
topics' monthly counts, one for the mailings' delivery counts. Subscribers are counted under
the topics they hold now (the history of their choices is not kept)."""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from wagtail.admin.ui.components import Component

from bostonems_site.admin_charts import bar_chart, last_twelve_months, monthly_chart
from newsletter.models import Delivery, Interest, Mailing, Subscriber

MAILINGS_SHOWN = 10


def month_end(first_day):
    """The moment the month that starts on `first_day` ends (the start of the next)."""
    next_month = (first_day + timedelta(days=32)).replace(day=1)
    return timezone.make_aware(datetime.combine(next_month, time.min))


def subscribed_at(moment):
    """Topic→subscriber pairs whose subscriber was confirmed and not unsubscribed at `moment`."""
    return (
        Q(subscribers__confirmed_at__lt=moment)
        & ~Q(subscribers__status=Subscriber.Status.PENDING)
        & (
            Q(subscribers__unsubscribed_at__isnull=True)
            | Q(subscribers__unsubscribed_at__gte=moment)
        )
    )


def subscribers_chart(today):
    months = last_twelve_months(today)
    now = timezone.now()
    ends = [min(month_end(month), now) for month in months]
    columns = {
        f"month_{index}": Count("subscribers", filter=subscribed_at(end))
        for index, end in enumerate(ends)
    }
    topics = Interest.objects.sources().annotate(**columns)
    rows = [
        (topic.name, [getattr(topic, f"month_{index}") for index in range(len(months))])
        for topic in topics.order_by(F("sort_order").asc(nulls_last=True), "pk")
    ]
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


class NewsletterPanel(Component):
    name = "newsletter"
    template_name = "newsletter/admin/dashboard_panel.html"
    order = 160

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        return {"charts": [subscribers_chart(today), mailings_chart(today)]}
