"""Sending a published page to the subscribers whose topics match its kind.

Exactly once per recipient: a Mailing fixes its recipients as Delivery rows when it starts;
those rows are the queue. The background worker (newsletter/worker.py) sends each queued
delivery inside a transaction that locks the row and marks it sent, so a crash half-way, a
database or mail server outage and a restart send the rest and never anyone twice. A page is
sent once: starting another mailing for it needs the manager's explicit "send again".
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from bostonems_site.visibility import is_public
from newsletter import emails
from newsletter.models import Delivery, Interest, Mailing, Subscriber

logger = logging.getLogger(__name__)


def interest_for(page):
    """The topic a page goes to: the one whose 'sends' includes the page's kind, or None."""
    kind = getattr(page, "kind", None)
    if not kind:
        return None
    return next((topic for topic in Interest.objects.sources() if kind in topic.news_kinds), None)


def recipients(interest):
    return Subscriber.objects.filter(
        status=Subscriber.Status.CONFIRMED, interests=interest
    ).distinct()


class AlreadyStarted(Exception):
    """This sending of the page (its number) has started already: `mailing`."""

    def __init__(self, mailing):
        super().__init__(mailing)
        self.mailing = mailing


def start_mailing(page, user, sequence=None):
    """Create the mailing and its deliveries; the worker sends them within seconds.

    `sequence` is the number of this sending of the page as the manager confirmed it (1 for
    the first, 2 for a "send again"...; None: the next one). When that sending exists already
    (the same confirmation sent twice), raises AlreadyStarted and starts nothing: the unique
    constraint decides, so two requests at the same moment cannot both start it."""
    interest = interest_for(page)
    with transaction.atomic():
        if sequence is None:
            sequence = Mailing.objects.filter(page=page).count() + 1
        try:
            with transaction.atomic():
                mailing = Mailing.objects.create(
                    page=page,
                    subject=page.title,
                    interest=interest,
                    created_by=user,
                    sequence=sequence,
                )
        except IntegrityError:
            raise AlreadyStarted(Mailing.objects.get(page=page, sequence=sequence)) from None
        Delivery.objects.bulk_create(
            Delivery(mailing=mailing, subscriber_id=pk)
            for pk in recipients(interest).values_list("pk", flat=True)
        )
    return mailing


def deliver_queued():
    """Send the queued deliveries of every mailing, oldest mailing first. Returns the number
    sent. A delivery the mail server refuses does not stop the others; the first mail server
    outage does (emails.MailServerUnavailable is raised)."""
    unfinished = (
        Mailing.objects.filter(deliveries__status=Delivery.Status.QUEUED)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(deliver(mailing_id) for mailing_id in list(unfinished))


def deliver(mailing_id):
    """Send every queued delivery of a mailing that is due now (not waiting for a retry).
    Returns the number sent now."""
    mailing = Mailing.objects.select_related("page").get(pk=mailing_id)
    # Whether it may still be sent is checked for each delivery (still_visible): an editor
    # may take the page down while a large mailing is being sent.
    page = mailing.page.specific if mailing.page else None
    queued = (
        mailing.deliveries.filter(status=Delivery.Status.QUEUED)
        .exclude(retry_at__gt=timezone.now())
        .order_by("pk")
    )
    sent = 0
    per_language = {}  # the page and topic in each language, looked up once per mailing
    for pk in list(queued.values_list("pk", flat=True)):
        sent += _deliver_one(pk, page, per_language)
    return sent


def still_visible(page):
    """The page is still live and public (no view restriction on it or above it): an editor
    may take it down after the mailing started, and then nobody else is sent it."""
    return page is not None and is_public(page)


def _skip(delivery, reason):
    delivery.status = Delivery.Status.SKIPPED
    delivery.error = reason
    delivery.save(update_fields=["status", "error"])
    return 0


def _deliver_one(delivery_pk, page, per_language):
    """Send one delivery, re-checking at send time what may have changed since the mailing
    started: the page (unpublished, restricted), the subscriber's status and topics. The
    mail server's answer is judged for this delivery alone (see _record_refusal)."""
    outage = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber", "mailing__interest")
            .filter(pk=delivery_pk, status=Delivery.Status.QUEUED)
            .first()
        )
        if delivery is None:  # another worker has it, or it is done
            return 0
        subscriber = delivery.subscriber
        if not still_visible(page):
            return _skip(delivery, "The page was unpublished or restricted meanwhile.")
        if subscriber.status != Subscriber.Status.CONFIRMED:
            return _skip(delivery, "Unsubscribed meanwhile.")
        if delivery.mailing.interest_id is not None and not (
            subscriber.interests.filter(pk=delivery.mailing.interest_id).exists()
        ):
            return _skip(delivery, "No longer chose this topic.")
        delivery.attempts += 1
        try:
            emails.send(emails.update_email(subscriber, delivery.mailing, page, per_language))
        except emails.MailServerUnavailable as error:
            # Stays queued: the worker retries once the server is back (nobody is given up
            # on because of the server's outage).
            logger.warning("Delivery %s not sent: %s", delivery_pk, error)
            delivery.error = str(error)[:255]
            delivery.save(update_fields=["attempts", "error"])
            outage = error
        except emails.MessageRefused as refusal:
            _record_refusal(delivery, refusal)
            return 0
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.error = ""
            delivery.retry_at = None
            delivery.save(update_fields=["attempts", "status", "sent_at", "error", "retry_at"])
    if outage is not None:
        raise outage
    return 1


def _record_refusal(delivery, refusal):
    """Refused for now (4xx): stays queued until its retry time; out of tries, or refused for
    good (5xx): failed. The other deliveries go on either way."""
    delivery.refusals += 1
    delivery.error = str(refusal)[:255]
    delivery.retry_at = (
        emails.retry_at(delivery.refusals, timezone.now()) if refusal.temporary else None
    )
    if delivery.retry_at is None:
        delivery.status = Delivery.Status.FAILED
        logger.warning("Delivery %s failed: %s", delivery.pk, refusal)
    else:
        logger.info("Delivery %s refused for now: %s", delivery.pk, refusal)
    delivery.save(update_fields=["attempts", "status", "error", "retry_at", "refusals"])
