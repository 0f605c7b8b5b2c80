"""Subscribers: one email address each and the topics its owner chose.

Privacy: a subscriber row holds only what is needed to send the chosen emails and to prove
consent (address, topics, status with timestamps, where they signed up, the consent wording they
saw, language). No IP address is stored; rate limiting keeps a salted hash of it in the cache
for a few minutes only (see rate_limits/counters.py).
"""

from django.db import models
from django.db.models.functions import Lower

from newsletter.addresses import EMAIL_MAX_LENGTH
from newsletter.models.topics import Interest


class Subscriber(models.Model):
    """One email address and the topics its owner chose.

    The address is stored normalised (surrounding spaces removed, domain lower-cased; the part
    before the @ is kept as typed because mail servers may treat it case-sensitively) and is
    unique case-insensitively through a database constraint on LOWER(email), so "Ann@X.org"
    and "ann@x.org" can never be two rows, on SQLite or PostgreSQL.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Mail(models.TextChoices):
        NONE = "", "None"
        CONFIRMATION = "confirmation", "Confirmation request"
        PREFERENCES = "preferences", "Link to manage preferences"

    email = models.EmailField("email address", max_length=EMAIL_MAX_LENGTH)
    interests = models.ManyToManyField(Interest, blank=True, related_name="subscribers")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("signed up", auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("unsubscribed", null=True, blank=True)
    source = models.CharField(
        "signed up on page",
        max_length=255,
        blank=True,
        help_text="The page where they signed up (its path).",
    )
    consent_text = models.TextField(
        "consent wording", blank=True, help_text="The consent text shown when they signed up."
    )
    language_code = models.CharField(max_length=15, default="en")
    # The durable outbox: an email that still has to go out. Cleared only once it was sent, so a
    # mail server outage loses nothing (sent by `manage.py run_newsletter_worker`).
    mail_due = models.CharField(
        "email waiting to be sent", max_length=20, choices=Mail.choices, blank=True, default=""
    )
    mail_requested_at = models.DateTimeField("last email requested", null=True, blank=True)
    # Set while a worker sends `mail_due` (services.send_due_mail): a claim instead of a row
    # lock held during the send, so the subscriber's own requests never wait for the worker.
    mail_claimed_at = models.DateTimeField("email being sent since", null=True, blank=True)
    mail_sent_at = models.DateTimeField("last email sent", null=True, blank=True)
    mail_failures = models.PositiveSmallIntegerField("failed sending attempts", default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_ci_unique",
                violation_error_message="This email address is already subscribed.",
            )
        ]

    def __str__(self):
        return self.email

    def interest_names(self):
        """Topic names, in the editors' order (uses prefetched interests when available)."""
        interests = sorted(self.interests.all(), key=lambda i: (i.sort_order or 0, i.pk))
        return ", ".join(interest.name for interest in interests)

    interest_names.short_description = "Interests"
