"""The newsletter's part of the health check (/healthz, bostonems_site/views.py), named there by
settings.HEALTH_MAIL_QUEUE_STATE so the core depends on no app."""

import datetime

from django.utils import timezone

from newsletter.models import Delivery, Subscriber

# A queued email still waiting after this long means no worker is taking the queue.
MAIL_QUEUE_DELAY = datetime.timedelta(minutes=15)


def mail_queue_state():
    """The newsletter's outbox (newsletter/worker.py): emails due to subscribers and queued
    update deliveries. "delayed" when one has waited longer than MAIL_QUEUE_DELAY."""
    due = Subscriber.objects.exclude(mail_due="")
    queued = Delivery.objects.filter(status=Delivery.Status.QUEUED)
    late_since = timezone.now() - MAIL_QUEUE_DELAY
    waiting = due.count() + queued.count()
    late = (
        due.filter(mail_requested_at__lt=late_since).exists()
        or queued.filter(mailing__created_at__lt=late_since).exists()
    )
    return ("delayed" if late else "ok"), waiting
