"""Every newsletter email, built in one place: the confirmation request, the link to manage
preferences and the update (a published page sent to a topic's subscribers).

Links in emails come from the configured site address, WAGTAILADMIN_BASE_URL, never from the
request that caused the email: the worker builds them long after any request, and a request's
Host header, port or X-Forwarded-Proto can be wrong or forged (links pointing elsewhere would
carry subscribers' signed tokens there). Paths are reversed in the subscriber's language, so
links keep the language prefix (/es/newsletter/...).

Each email is worded in the subscriber's language when the sign-up page (and the topic) is
translated into it; plain text with an HTML alternative.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from newsletter.models import Interest, NewsletterSignupPage, Subscriber
from newsletter.tokens import make_confirm_token, make_preferences_token, make_unsubscribe_token

Mail = Subscriber.Mail


def site_url(path):
    """`path` on the site's configured address."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def one_line(text):
    """Editors' text never carries a line break into a header (no header injection)."""
    return " ".join(text.split())


def preferences_url(subscriber):
    return site_url(reverse("newsletter:preferences", args=[make_preferences_token(subscriber)]))


def subscriber_email(subscriber, kind):
    """The email a subscriber is due (`kind`: Subscriber.Mail.CONFIRMATION or PREFERENCES)."""
    with translation.override(subscriber.language_code):
        texts = NewsletterSignupPage.for_language(subscriber.language_code)
        interests = subscriber.interests.localized()  # named in the subscriber's language
        context = {
            "subscriber": subscriber,
            "texts": texts,
            "interests": interests,
            "preferences_url": preferences_url(subscriber),
        }
        if kind == Mail.CONFIRMATION:
            token = make_confirm_token(subscriber, [interest.slug for interest in interests])
            context["confirm_url"] = site_url(reverse("newsletter:confirm", args=[token]))
            subject, template = texts.confirmation_subject, "confirmation"
        else:
            subject, template = texts.preferences_subject, "preferences"
        context["subject"] = one_line(subject)
        return _message(
            context["subject"],
            template,
            context,
            subscriber,
            headers={"Auto-Submitted": "auto-generated"},
        )


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


def page_url(page):
    """The page's address on the configured site, or "" when it has none (not routable)."""
    parts = page.get_url_parts()
    return site_url(parts[2]) if parts else ""


def update_email(delivery, page, topics=None):
    """A published page sent to one subscriber (`delivery`), with a one-click unsubscribe
    (RFC 8058). `topics` is a dict shared across a mailing (see localized_topic)."""
    subscriber = delivery.subscriber
    with translation.override(subscriber.language_code):
        unsubscribe_url = site_url(
            reverse("newsletter:unsubscribe", args=[make_unsubscribe_token(subscriber)])
        )
        context = {
            "subject": delivery.mailing.subject,
            "page": page,
            "page_url": page_url(page),
            "texts": NewsletterSignupPage.for_language(subscriber.language_code),
            "subscriber": subscriber,
            "interest": localized_topic(
                delivery.mailing.interest, subscriber.language_code, topics
            ),
            "preferences_url": preferences_url(subscriber),
            "unsubscribe_url": unsubscribe_url,
        }
        return _message(
            one_line(delivery.mailing.subject),
            "update",
            context,
            subscriber,
            headers={
                # RFC 8058: mail providers offer a one-click unsubscribe that POSTs here.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk",
            },
        )


def _message(subject, template, context, subscriber, headers):
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"newsletter/email/{template}.txt", context),
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"newsletter/email/{template}.html", context), "text/html"
    )
    return message


class MailServerUnavailable(Exception):
    """Sending failed for a reason that is not this email's own: the mail server is down,
    does not answer within EMAIL_TIMEOUT, refused the connection or our login. Every other
    email would fail the same way, so the worker stops and retries later."""


def send(message):
    """Hand `message` to the mail server. True when it was accepted; False when the server
    refused the recipient's address (a retry would be refused too). Raises
    MailServerUnavailable for anything else."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        return False
    except Exception as error:  # the mail server, at the edge: whatever the backend raises
        raise MailServerUnavailable(str(error) or type(error).__name__) from error
    return True
