"""Sending a published page to the subscribers whose topics match its kind.

Exactly once per recipient: a Mailing fixes its recipients as Delivery rows when it starts.
The background task sends each queued delivery inside a transaction that locks the row and
marks it sent, so a crash half-way and a restart (`manage.py resume_mailings`, or simply the
worker picking the task up again) sends the rest and never anyone twice. A page is sent once:
starting another mailing for it needs the manager's explicit "send again".
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from newsletter.models import Delivery, Interest, Mailing, NewsletterSignupPage, Subscriber
from newsletter.services import absolute_url
from newsletter.tokens import make_preferences_token, make_unsubscribe_token

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


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


def start_mailing(page, user, base_url=""):
    """Create the mailing and its deliveries, then queue the background sending."""
    from newsletter.tasks import send_mailing

    interest = interest_for(page)
    with transaction.atomic():
        mailing = Mailing.objects.create(
            page=page, subject=page.title, interest=interest, created_by=user
        )
        Delivery.objects.bulk_create(
            Delivery(mailing=mailing, subscriber_id=pk)
            for pk in recipients(interest).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: send_mailing.enqueue(mailing.pk, base_url))
    return mailing


def one_click_unsubscribe_url(subscriber, base_url):
    token = make_unsubscribe_token(subscriber)
    return absolute_url(base_url, reverse("newsletter:unsubscribe", args=[token]))


def localized_topic(interest, language_code, cache=None):
    """The mailing's topic named in `language_code` (English when untranslated), or None;
    `cache` (a dict) keeps one lookup per language for a whole mailing."""
    if interest is None:
        return None
    cache = {} if cache is None else cache
    if language_code not in cache:
        found = Interest.objects.filter(pk=interest.pk).localized(language_code)
        cache[language_code] = found[0] if found else None
    return cache[language_code]


def build_update(delivery, page, base_url, topics=None):
    """The update email, worded in the subscriber's language when the sign-up page (and the
    topic) is translated into it."""
    with translation.override(delivery.subscriber.language_code):
        return _build_update(delivery, page, base_url, topics)


def _build_update(delivery, page, base_url, topics):
    subscriber = delivery.subscriber
    texts = NewsletterSignupPage.for_language(subscriber.language_code)
    unsubscribe_url = one_click_unsubscribe_url(subscriber, base_url)
    context = {
        "subject": delivery.mailing.subject,
        "page": page,
        "page_url": absolute_url(base_url, page.url) if page.url else "",
        "texts": texts,
        "subscriber": subscriber,
        "interest": localized_topic(delivery.mailing.interest, subscriber.language_code, topics),
        "preferences_url": absolute_url(
            base_url,
            reverse("newsletter:preferences", args=[make_preferences_token(subscriber)]),
        ),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(delivery.mailing.subject.split()),
        body=render_to_string("newsletter/email/update.txt", context),
        to=[subscriber.email],
        headers={
            # RFC 8058: mail providers offer a one-click unsubscribe that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(
        render_to_string("newsletter/email/update.html", context), "text/html"
    )
    return message


def deliver(mailing_id, base_url=""):
    """Send every queued delivery of a mailing. Returns the number sent now."""
    mailing = Mailing.objects.select_related("page", "interest").get(pk=mailing_id)
    page = mailing.page.specific if mailing.page else None
    queued = mailing.deliveries.filter(status=Delivery.Status.QUEUED).order_by("pk")
    sent = 0
    topics = {}  # the topic's name per language, looked up once per mailing
    for pk in list(queued.values_list("pk", flat=True)):
        sent += _deliver_one(pk, page, base_url, topics)
    return sent


def _deliver_one(delivery_pk, page, base_url, topics=None):
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
            build_update(delivery, page, base_url, topics).send()
        except Exception as error:  # the mail server, at the edge: record and retry later
            logger.warning("Delivery %s failed: %s", delivery_pk, error)
            delivery.error = str(error)[:255]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["attempts", "error", "status"])
            return 0
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "error"])
        return 1


def unfinished_mailings():
    return Mailing.objects.filter(deliveries__status=Delivery.Status.QUEUED).distinct()
