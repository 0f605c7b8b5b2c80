"""What happens to a subscription: signing up, confirming, changing topics, unsubscribing, and
sending the emails reliably.

Sign-up rules (the visitor always sees the same "check your email" page):

- new address -> a pending subscriber and a confirmation email;
- pending or unsubscribed -> the chosen topics are recorded as the new request and a fresh
  confirmation email goes out (status pending until the owner of the mailbox confirms);
- confirmed -> nothing changes; an email with a link to manage preferences goes out.

At most one email per address per NEWSLETTER_RESEND_INTERVAL (10 minutes): within that time
a repeated sign-up changes nothing at all.

Email reliability: the subscriber row records the email that is due (`mail_due`) in the same
transaction as the sign-up. After the commit we try to send it; only a successful send clears
`mail_due`. If the mail server is down the row keeps the due email and
`manage.py send_pending_newsletter_mail` (run it from cron) sends it later. Nothing is lost.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from newsletter.models import NewsletterSignupPage, Subscriber
from newsletter.tokens import make_confirm_token, make_preferences_token

logger = logging.getLogger(__name__)
Status, Mail = Subscriber.Status, Subscriber.Mail


@dataclass
class SignupRequest:
    email: str
    interests: list
    source: str = ""
    consent_text: str = ""
    language_code: str = "en"
    base_url: str = ""


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
                subscriber, mail_queued = _apply_signup(signup)
                if mail_queued:
                    transaction.on_commit(partial(send_due_mail, subscriber.pk, signup.base_url))
                return subscriber
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    return None  # pragma: no cover


def _apply_signup(signup):
    """Returns (subscriber, whether an email was queued)."""
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
        )
        subscriber.interests.set(signup.interests)
        return subscriber, True

    recently = subscriber.mail_requested_at and (
        now - subscriber.mail_requested_at < settings.NEWSLETTER_RESEND_INTERVAL
    )
    if recently:
        return subscriber, False

    if subscriber.status == Status.CONFIRMED:
        # Topics change only through a signed link: send one.
        subscriber.mail_due = Mail.PREFERENCES
        subscriber.mail_requested_at = now
        subscriber.save(update_fields=["mail_due", "mail_requested_at"])
        return subscriber, True

    subscriber.status = Status.PENDING
    subscriber.source = signup.source
    subscriber.consent_text = signup.consent_text
    subscriber.language_code = signup.language_code
    subscriber.mail_due = Mail.CONFIRMATION
    subscriber.mail_requested_at = now
    subscriber.save()
    subscriber.interests.set(signup.interests)
    return subscriber, True


def confirm(subscriber, interests):
    """The owner of the mailbox confirmed (a POST from the emailed link)."""
    now = timezone.now()
    subscriber.status = Status.CONFIRMED
    subscriber.confirmed_at = now
    if subscriber.mail_due == Mail.CONFIRMATION:
        subscriber.mail_due = ""
    subscriber.save()
    if interests:
        subscriber.interests.set(interests)


def save_preferences(subscriber, interests):
    """New topics from the preferences page; saving also (re)confirms the subscription, as
    the signed link proves the visitor owns the mailbox."""
    if subscriber.status != Status.CONFIRMED:
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.mail_due = ""
        subscriber.save()
    subscriber.interests.set(interests)


def unsubscribe(subscriber):
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.mail_due = ""
    subscriber.save()


def absolute_url(base_url, path):
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{path}"


def build_message(subscriber, kind, base_url=""):
    """The confirmation or manage-preferences email, plain text with an HTML alternative, in
    the subscriber's language when the sign-up page is translated into it."""
    with translation.override(subscriber.language_code):
        return _build_message(subscriber, kind, base_url)


def _build_message(subscriber, kind, base_url):
    texts = NewsletterSignupPage.for_language(subscriber.language_code)
    interests = subscriber.interests.localized()  # named in the subscriber's language
    preferences_token = make_preferences_token(subscriber)
    context = {
        "subscriber": subscriber,
        "texts": texts,
        "interests": interests,
        "preferences_url": absolute_url(
            base_url, reverse("newsletter:preferences", args=[preferences_token])
        ),
    }
    if kind == Mail.CONFIRMATION:
        token = make_confirm_token(subscriber, [interest.slug for interest in interests])
        context["confirm_url"] = absolute_url(base_url, reverse("newsletter:confirm", args=[token]))
        subject, template = texts.confirmation_subject, "confirmation"
    else:
        subject, template = texts.preferences_subject, "preferences"
    subject = " ".join(subject.split())  # editors' text never carries a line break
    context["subject"] = subject
    text_body = render_to_string(f"newsletter/email/{template}.txt", context)
    html_body = render_to_string(f"newsletter/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html_body, "text/html")
    return message


def send_due_mail(subscriber_pk, base_url=""):
    """Send the email this subscriber is due, if any. Returns True when sent, False when
    sending failed (the email stays due for a retry), None when nothing was due.

    The row is locked while sending so that the after-commit attempt and the retry command
    never send the same email twice. Failures are logged, never raised: the visitor's
    sign-up is already stored and they still see the "check your email" page."""
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_pk).first()
            if subscriber is None or not subscriber.mail_due:
                return None
            kind = subscriber.mail_due
            wanted_status = Status.PENDING if kind == Mail.CONFIRMATION else Status.CONFIRMED
            still_wanted = subscriber.status == wanted_status
            if still_wanted:
                build_message(subscriber, kind, base_url).send()
                subscriber.mail_sent_at = timezone.now()
            subscriber.mail_due = ""
            subscriber.mail_failures = 0
            subscriber.save(update_fields=["mail_due", "mail_sent_at", "mail_failures"])
            return True if still_wanted else None
    except Exception:
        logger.exception("Newsletter email to subscriber %s not sent; will retry", subscriber_pk)
        Subscriber.objects.filter(pk=subscriber_pk).update(mail_failures=F("mail_failures") + 1)
        return False


def send_all_due_mail(base_url=""):
    """Retry every email still due. Returns (sent, failed)."""
    sent = failed = 0
    pending = Subscriber.objects.exclude(mail_due="").order_by("pk").values_list("pk", flat=True)
    for pk in list(pending):
        result = send_due_mail(pk, base_url)
        if result is True:
            sent += 1
        elif result is False:
            failed += 1
    return sent, failed
