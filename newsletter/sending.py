"""Sending a published page to the subscribers whose topics match its kind.

Exactly once per recipient: a Mailing fixes its recipients as Delivery rows when it starts;
those rows are the queue. The background worker (newsletter/worker.py) sends each queued
delivery inside a transaction that locks the row and marks it sent, so a crash half-way, a
database or mail server outage and a restart send the rest and never anyone twice. A page is
sent once: starting another mailing for it needs the manager's explicit "send again".
"""

import logging

from django.db import transaction
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


def start_mailing(page, user):
    """Create the mailing and its deliveries; the worker sends them within seconds."""
    interest = interest_for(page)
    with transaction.atomic():
        mailing = Mailing.objects.create(
            page=page, subject=page.title, interest=interest, created_by=user
        )
        Delivery.objects.bulk_create(
            Delivery(mailing=mailing, subscriber_id=pk)
            for pk in recipients(interest).values_list("pk", flat=True)
        )
    return mailing


def deliver_queued():
    """Send the queued deliveries of every mailing, oldest mailing first. Returns the number
    sent; raises emails.MailServerUnavailable at the first mail server outage."""
    unfinished = (
        Mailing.objects.filter(deliveries__status=Delivery.Status.QUEUED)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(deliver(mailing_id) for mailing_id in list(unfinished))


def deliver(mailing_id):
    """Send every queued delivery of a mailing. Returns the number sent now."""
    mailing = Mailing.objects.select_related("page", "interest").get(pk=mailing_id)
    # A page made private or unpublished since the mailing started is not sent (skipped).
    page = mailing.page.specific if mailing.page and is_public(mailing.page) else None
    queued = mailing.deliveries.filter(status=Delivery.Status.QUEUED).order_by("pk")
    sent = 0
    per_language = {}  # the page and topic in each language, looked up once per mailing
    for pk in list(queued.values_list("pk", flat=True)):
        sent += _deliver_one(pk, page, per_language)
    return sent


def _deliver_one(delivery_pk, page, per_language):
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
        still_wanted = subscriber.status == Subscriber.Status.CONFIRMED and (
            delivery.mailing.interest is None
            or subscriber.interests.filter(pk=delivery.mailing.interest_id).exists()
        )
        if page is None or not page.live or not still_wanted:
            delivery.status = Delivery.Status.SKIPPED
            delivery.save(update_fields=["status"])
            return 0
        delivery.attempts += 1
        try:
            accepted = emails.send(
                emails.update_email(subscriber, delivery.mailing, page, per_language)
            )
        except emails.MailServerUnavailable as error:
            # Stays queued: the worker retries once the server is back (nobody is given up
            # on because of the server's outage).
            logger.warning("Delivery %s not sent: %s", delivery_pk, error)
            delivery.error = str(error)[:255]
            delivery.save(update_fields=["attempts", "error"])
            outage = error
        else:
            if accepted:
                delivery.status = Delivery.Status.SENT
                delivery.sent_at = timezone.now()
                delivery.error = ""
            else:
                delivery.status = Delivery.Status.FAILED
                delivery.error = "The mail server refused the address."
            delivery.save(update_fields=["attempts", "status", "sent_at", "error"])
    if outage is not None:
        raise outage
    return int(accepted)
