"""What happens to a subscription: signing up, confirming, changing topics, unsubscribing, and
sending the emails reliably.

Sign-up rules (the visitor always sees the same "check your email" page):

- new address -> a pending subscriber and a confirmation email;
- pending or unsubscribed -> the chosen topics are recorded as the new request and a fresh
  confirmation email goes out (status pending until the owner of the mailbox confirms);
- confirmed -> nothing changes; an email with a link to manage preferences goes out.

At most one email per address per NEWSLETTER_RESEND_INTERVAL (10 minutes) and
NEWSLETTER_EMAILS_PER_DAY (3) in 24 hours: beyond that a repeated sign-up changes nothing at
all, so nobody can flood someone else's mailbox by signing it up again and again. The visitor's
answer is the same either way (it says so), so it tells nobody whether the address is known.

Email reliability: mail is never sent inside a visitor's request (a mail server that accepts
the connection and never answers would hold the request, and the web worker, for
EMAIL_TIMEOUT). The subscriber row records the email that is due (`mail_due`) in the same
transaction as the sign-up: that row is the queue. The background worker
(`manage.py run_newsletter_worker`, newsletter/worker.py) sends it within seconds; only a
successful send clears `mail_due`, so a mail server or database outage loses nothing. The
worker never holds the row locked while it talks to the mail server (see send_due_mail), so a
visitor's request never waits for it.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from newsletter import emails
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)
Status, Mail = Subscriber.Status, Subscriber.Mail
# A worker's claim on an email older than this is a worker that died mid-send: another takes
# the email over. Far longer than any SMTP conversation (each step gives up after
# EMAIL_TIMEOUT), short enough that a visitor still gets the confirmation the same hour.
MAIL_CLAIM_TIMEOUT = timedelta(minutes=15)
# Outcomes of sends (sent, or the mail server failed) that the database could not record
# because it went away during the send. This worker records them first when it is back, so
# the email is neither left claimed until MAIL_CLAIM_TIMEOUT nor sent twice.
_unrecorded_outcomes = []


@dataclass
class SignupRequest:
    email: str
    interests: list
    source: str = ""
    consent_text: str = ""
    language_code: str = "en"


def find_subscriber(email, lock=False):
    """The subscriber for `email`, compared the way the unique constraint compares."""
    queryset = Subscriber.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    return queryset.alias(email_key=Lower("email")).filter(email_key=Lower(Value(email))).first()


def request_subscription(signup):
    """Apply the sign-up rules; returns the subscriber. Safe under concurrency: a second
    request inserting the same address at the same moment hits the unique constraint, rolls
    back and retries, finding the first one's row."""
    attempts = 3
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return _apply_signup(signup)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    return None  # pragma: no cover


def _apply_signup(signup):
    """Stores the sign-up and the email it calls for (`mail_due`); returns the subscriber."""
    now = timezone.now()
    subscriber = find_subscriber(signup.email, lock=True)
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            email=signup.email,
            source=signup.source,
            consent_text=signup.consent_text,
            language_code=signup.language_code,
            mail_due=Mail.CONFIRMATION,
            mail_requested_at=now,
            mail_day_started_at=now,
            mail_day_count=1,
        )
        subscriber.interests.set(signup.interests)
        return subscriber

    recently = subscriber.mail_requested_at and (
        now - subscriber.mail_requested_at < settings.NEWSLETTER_RESEND_INTERVAL
    )
    if recently or _emails_today(subscriber, now) >= settings.NEWSLETTER_EMAILS_PER_DAY:
        return subscriber

    if subscriber.status == Status.CONFIRMED:
        # Topics change only through a signed link: send one.
        _request_mail(subscriber, Mail.PREFERENCES, now)
        subscriber.save(update_fields=["mail_due", "mail_requested_at", *NEW_REQUEST_FIELDS])
        return subscriber

    subscriber.status = Status.PENDING
    subscriber.unsubscribed_at = None  # the time describes the status, which this ends
    subscriber.source = signup.source
    subscriber.consent_text = signup.consent_text
    subscriber.language_code = signup.language_code
    _request_mail(subscriber, Mail.CONFIRMATION, now)
    subscriber.save()
    subscriber.interests.set(signup.interests)
    return subscriber


DAY = timedelta(days=1)
# A new request starts afresh (earlier refusals of an earlier email do not delay it) and
# counts towards the address's emails of the day.
NEW_REQUEST_FIELDS = [
    "mail_refusals",
    "mail_retry_at",
    "mail_error",
    "mail_day_started_at",
    "mail_day_count",
]


def _emails_today(subscriber, now):
    """Emails requested for this address in the 24 hours since the first of them."""
    started = subscriber.mail_day_started_at
    return subscriber.mail_day_count if started and now - started < DAY else 0


def _request_mail(subscriber, kind, now):
    count = _emails_today(subscriber, now)
    if count == 0:
        subscriber.mail_day_started_at = now
    subscriber.mail_day_count = count + 1
    subscriber.mail_due = kind
    subscriber.mail_requested_at = now
    subscriber.mail_refusals, subscriber.mail_retry_at, subscriber.mail_error = 0, None, ""


# What a subscriber's own action (confirming, leaving) writes. Saved alone: the visitor's
# request read the row before, and the worker may have recorded an email's outcome since
# (sent at, failures, its claim), which writing every field would undo.
STATUS_FIELDS = ["status", "confirmed_at", "unsubscribed_at", "mail_due"]


def confirm(subscriber, interests):
    """The owner of the mailbox confirmed (a POST from the emailed link)."""
    now = timezone.now()
    subscriber.status = Status.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    if subscriber.mail_due == Mail.CONFIRMATION:
        subscriber.mail_due = ""
    subscriber.save(update_fields=STATUS_FIELDS)
    if interests:
        subscriber.interests.set(interests)


def save_preferences(subscriber, interests):
    """New topics from the preferences page; saving also (re)confirms the subscription, as
    the signed link proves the visitor owns the mailbox."""
    if subscriber.status != Status.CONFIRMED:
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.mail_due = ""
        subscriber.save(update_fields=STATUS_FIELDS)
    subscriber.interests.set(interests)


def unsubscribe(subscriber):
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.mail_due = ""
    subscriber.save(update_fields=STATUS_FIELDS)


def send_due_mail(subscriber_pk):
    """Send the email this subscriber is due, if it is still wanted. True when sent.

    The worker claims the email (`mail_claimed_at`) in a short transaction, talks to the mail
    server with no transaction open, then records the outcome in one UPDATE. Holding the row
    lock during the send instead would make the subscriber's own sign-up or preferences save
    wait on PostgreSQL for as long as the mail server takes (up to EMAIL_TIMEOUT). A claim
    older than MAIL_CLAIM_TIMEOUT belongs to a worker that died mid-send and is taken over.
    The outcome only clears `mail_due` when no newer request arrived while sending, so a
    request made meanwhile is never lost.

    The mail server's answer is judged per email: refused for now (4xx) -> tried again later
    (emails.retry_at), failed once out of tries; refused for good (5xx) -> failed. Either way
    the queue goes on. Raises emails.MailServerUnavailable when the server itself is down: the
    email stays due and nothing counts against it."""
    claim = _claim_due_mail(subscriber_pk)
    if claim is None:  # sent meanwhile, not due yet, or another worker is sending it
        return False
    subscriber, kind, claimed_at = claim
    still_this_claim = Subscriber.objects.filter(pk=subscriber_pk, mail_claimed_at=claimed_at)
    # Cleared only if it is still the request that was tried.
    this_request_done = Case(
        When(mail_due=kind, mail_requested_at=subscriber.mail_requested_at, then=Value("")),
        default=F("mail_due"),
    )
    wanted_status = Status.PENDING if kind == Mail.CONFIRMATION else Status.CONFIRMED
    sent = subscriber.status == wanted_status
    try:
        if sent:
            emails.send(emails.subscriber_email(subscriber, kind))
    except emails.MailServerUnavailable:
        _record(
            lambda: still_this_claim.update(
                mail_claimed_at=None, mail_failures=F("mail_failures") + 1
            )
        )
        raise
    except emails.MessageRefused as refusal:
        _record_refusal(still_this_claim, subscriber, refusal, this_request_done)
        return False
    done = {"mail_sent_at": timezone.now(), "mail_error": ""} if sent else {}
    _record(
        lambda: still_this_claim.update(
            mail_claimed_at=None,
            mail_failures=0,
            mail_refusals=0,
            mail_retry_at=None,
            mail_due=this_request_done,
            **done,
        )
    )
    return sent


def _record_refusal(still_this_claim, subscriber, refusal, this_request_done):
    refusals = subscriber.mail_refusals + 1
    retry_at = emails.retry_at(refusals, timezone.now()) if refusal.temporary else None
    if retry_at is None:
        logger.warning("Email to subscriber %s failed: %s", subscriber.pk, refusal)
    else:
        logger.info("Email to subscriber %s refused for now: %s", subscriber.pk, refusal)
    _record(
        lambda: still_this_claim.update(
            mail_claimed_at=None,
            mail_failures=F("mail_failures") + 1,
            mail_error=str(refusal)[:255],
            mail_refusals=0 if retry_at is None else refusals,
            mail_retry_at=retry_at,
            mail_due=this_request_done if retry_at is None else F("mail_due"),
        )
    )


def _record(outcome):
    try:
        outcome()
    except DatabaseError:
        _unrecorded_outcomes.append(outcome)
        raise


def record_unrecorded_outcomes():
    """Record what earlier sends could not (the database was down); raises DatabaseError while
    it still is. The worker calls this before each pass."""
    while _unrecorded_outcomes:
        _unrecorded_outcomes[0]()
        _unrecorded_outcomes.pop(0)


def _claim_due_mail(subscriber_pk):
    """(subscriber, kind of email, claim time) when this worker may send the subscriber's due
    email now; None when nothing is due or another worker's claim is still fresh."""
    now = timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update(skip_locked=True)
            .filter(pk=subscriber_pk)
            .filter(
                Q(mail_claimed_at__isnull=True) | Q(mail_claimed_at__lt=now - MAIL_CLAIM_TIMEOUT)
            )
            .exclude(mail_due="")
            .exclude(mail_retry_at__gt=now)
            .first()
        )
        if subscriber is None:
            return None
        subscriber.mail_claimed_at = now
        subscriber.save(update_fields=["mail_claimed_at"])
    return subscriber, subscriber.mail_due, now


def send_all_due_mail():
    """Send every email due now (not waiting for a retry), oldest request first. Returns how
    many were sent. A refused email does not stop the others; the first MailServerUnavailable
    does (raised: waiting EMAIL_TIMEOUT once per address would only delay the retry)."""
    due = (
        Subscriber.objects.exclude(mail_due="")
        .exclude(mail_retry_at__gt=timezone.now())
        .order_by("mail_requested_at", "pk")
    )
    return sum(send_due_mail(pk) for pk in list(due.values_list("pk", flat=True)))
