"""Sending a published page to subscribers: one Mailing, one Delivery per recipient."""

from django.conf import settings
from django.db import models

from newsletter.models.subscribers import Subscriber
from newsletter.models.topics import Interest


class Mailing(models.Model):
    """One sending of a published page to the confirmed subscribers of one topic. The
    recipients are fixed when it starts: one Delivery row each, so an interrupted sending
    resumes with exactly the people who have not received it yet."""

    page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255)
    interest = models.ForeignKey(Interest, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("started", auto_now_add=True)
    # The page's first sending is 1, a "send again" 2, and so on. The manager's confirmation
    # form carries the number it is about to start: unique per page, so the same form sent
    # twice (a double click, a resent POST) starts one sending, never two.
    sequence = models.PositiveIntegerField("sending number", default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "sequence"], name="newsletter_mailing_once_per_sending_number"
            )
        ]

    def __str__(self):
        return f"{self.subject} ({self.created_at:%Y-%m-%d %H:%M})"

    def progress(self):
        counts = dict(
            self.deliveries.values_list("status").annotate(n=models.Count("pk")).order_by()
        )
        return {status: counts.get(status, 0) for status in Delivery.Status.values}


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed meanwhile)"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    # Erasing a subscriber also erases their deliveries.
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    # Refused for now (4xx): still queued, not tried again before `retry_at`; `refusals` in a
    # row so far (failed at NEWSLETTER_MAIL_MAX_TRIES, see sending.py).
    retry_at = models.DateTimeField(null=True, blank=True)
    refusals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="newsletter_delivery_once_per_mailing"
            )
        ]

    def __str__(self):
        return f"{self.mailing_id} → subscriber {self.subscriber_id}: {self.status}"
