"""Every newsletter email, built in one place: the confirmation request, the link to manage
preferences and the update (a published page sent to a topic's subscribers).

Links in emails come from the configured site address, WAGTAILADMIN_BASE_URL, never from the
request that caused the email: the worker builds them long after any request, and a request's
Host header, port or X-Forwarded-Proto can be wrong or forged (links pointing elsewhere would
carry subscribers' signed tokens there). Paths are reversed in the subscriber's language, so
links keep the language prefix (/es/newsletter/...).

Each email is worded in the subscriber's language when the sign-up page (and the topic) is
translated into it; where it is not, the texts editors left as they were come from the
translation catalogues (`email_wording`), and English left in is marked as English. Plain text
with an HTML alternative that looks like the site (logo, readable type), in the reader's
writing direction. The HTML uses inline styles only and loads nothing but the logo, from the
configured site address: mail programs drop <style> blocks and block other origins.
"""

import smtplib
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from bostonems_site.visibility import public_pages
from newsletter.models import Interest, NewsletterSignupPage, Subscriber, content_language
from newsletter.tokens import make_confirm_token, make_preferences_token, make_unsubscribe_token

Mail = Subscriber.Mail
LOGO = "img/logo.png"
# The sign-up page's texts that emails show (see NewsletterSignupPage).
EMAIL_TEXTS = (
    "confirmation_subject",
    "confirmation_email_text",
    "interests_legend",
    "confirm_heading",
    "confirm_button_label",
    "preferences_subject",
    "preferences_email_text",
    "preferences_heading",
    "email_footer",
)


@dataclass(frozen=True)
class Wording:
    """A text of an email and the language it is in (`lang_attrs` marks it when that is not
    the reader's)."""

    text: str
    content_language: str

    def __str__(self):
        return self.text


def email_wording(texts, language):
    """The emails' texts for a reader of `language`: the sign-up page's, when the page is in
    that language; otherwise, for each text editors left at its default, the translation
    catalogue's, and the English page's text (marked English) for one they changed."""
    source = getattr(texts, "content_language", settings.LANGUAGE_CODE)
    wording = {}
    for name in EMAIL_TEXTS:
        text, language_of_text = getattr(texts, name), source
        if source != language:
            default = NewsletterSignupPage._meta.get_field(name).get_default()
            if text == default and translation.gettext(default) != default:
                text, language_of_text = translation.gettext(default), language
        wording[name] = Wording(text, language_of_text)
    return SimpleNamespace(**wording)


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
        texts = email_wording(
            NewsletterSignupPage.for_language(subscriber.language_code),
            translation.get_language(),
        )
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
        context["subject"] = one_line(str(subject))
        return _message(
            context["subject"],
            template,
            context,
            subscriber,
            headers={"Auto-Submitted": "auto-generated"},
        )


def localized_topic(interest, language_code):
    """The mailing's topic named in `language_code` (English when untranslated), or None."""
    if interest is None:
        return None
    found = Interest.objects.filter(pk=interest.pk).localized(language_code)
    return found[0] if found else None


def localized_page(page, language_code):
    """The page's public translation in `language_code`, or the page itself when it has none."""
    translation = (
        public_pages(page.get_translations())
        .filter(locale__language_code=content_language(language_code))
        .specific()
        .first()
    )
    return translation or page


def page_url(page):
    """The page's address on the configured site, or "" when it has none (not routable)."""
    parts = page.get_url_parts()
    return site_url(parts[2]) if parts else ""


def update_email(subscriber, mailing, page, per_language=None, test_note=""):
    """A published page sent to one subscriber, in their language (the page's translation
    when there is a live one), with a one-click unsubscribe (RFC 8058). `mailing` gives the
    subject and topic; `per_language` (a dict shared across a mailing) keeps the page and
    topic lookups to one per language. Previews and tests use an unsaved subscriber: their
    personal links then lead to "this link is not valid", never to someone's preferences.
    A manager's test (`test_note`: what to tell them) is marked "[TEST]" in the subject and
    says so above the content, so it is never mistaken for the real sending."""
    language = subscriber.language_code
    per_language = {} if per_language is None else per_language
    if language not in per_language:
        per_language[language] = (
            localized_page(page, language),
            localized_topic(mailing.interest, language),
        )
    page_in_language, interest = per_language[language]
    subject = page_in_language.title if page_in_language is not page else mailing.subject
    if test_note:
        subject = f"[TEST] {subject}"
    with translation.override(language):
        unsubscribe_url = site_url(
            reverse("newsletter:unsubscribe", args=[make_unsubscribe_token(subscriber)])
        )
        context = {
            "subject": subject,
            "page": page_in_language,
            "page_url": page_url(page_in_language),
            "texts": email_wording(
                NewsletterSignupPage.for_language(language), translation.get_language()
            ),
            "subscriber": subscriber,
            "interest": interest,
            "preferences_url": preferences_url(subscriber),
            "unsubscribe_url": unsubscribe_url,
            "test_note": test_note,
        }
        return _message(
            one_line(subject),
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


def logo_url():
    """The site logo's absolute address for emails: mail programs fetch it from the site
    (nothing else external is referenced; styles are inline)."""
    try:
        path = static(LOGO)
    except ValueError:  # no static files manifest yet (collectstatic not run)
        path = f"{settings.STATIC_URL}{LOGO}"
    return path if "://" in path else site_url(path)


def _message(subject, template, context, subscriber, headers):
    context = {**context, "logo_url": logo_url(), "home_url": site_url("/")}
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
    does not answer within EMAIL_TIMEOUT, refused the connection, TLS, our login or our
    sender address, or is closing (421). Every other email would fail the same way, so the
    worker pauses and retries later; the email keeps its place and nothing counts against it."""


class MessageRefused(Exception):
    """The mail server answered this one message with a refusal, at RCPT (the recipient) or
    at DATA (the content). Other messages may well go through, so the queue goes on.
    A 4xx reply (greylisting, a full mailbox, "try again later") is `temporary`: the message
    is tried again later (retry_at). A 5xx reply is final: the message has failed."""

    def __init__(self, code, reply):
        self.code = code
        self.reply = _reply_text(reply)
        super().__init__(f"{code} {self.reply}")

    @property
    def temporary(self):
        return 400 <= self.code < 500


# 421 is the server closing the whole connection ("service not available"), whichever stage
# it answers at: a server problem, not this message's.
SERVER_CLOSING = 421


def _reply_text(reply):
    """smtplib gives the server's reply as bytes: staff read it as text in the admin."""
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _refusal(code, reply, error):
    if code == SERVER_CLOSING or not 400 <= code < 600:
        raise MailServerUnavailable(f"{code} {_reply_text(reply)}") from error
    return MessageRefused(code, reply)


def send(message):
    """Hand `message` (one recipient) to the mail server and return once it accepted it.
    Raises MessageRefused when the server refused this message at RCPT or DATA, and
    MailServerUnavailable for anything else (connection, TLS, login, sender refused...)."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        refused = _refusal(code, reply, error)
    except smtplib.SMTPDataError as error:
        refused = _refusal(error.smtp_code, error.smtp_error, error)
    except Exception as error:  # the mail server, at the edge: whatever the backend raises
        raise MailServerUnavailable(str(error) or type(error).__name__) from error
    else:
        return
    raise refused


def retry_at(refusals, now):
    """When to try again a message refused for now `refusals` times in a row, or None when
    that was its last try (NEWSLETTER_MAIL_MAX_TRIES): NEWSLETTER_MAIL_RETRY_DELAY after the
    first refusal, doubling after each further one, which is what greylisting and a mailbox
    that is full for a while need, and spares a struggling server."""
    if refusals >= settings.NEWSLETTER_MAIL_MAX_TRIES:
        return None
    return now + settings.NEWSLETTER_MAIL_RETRY_DELAY * 2 ** (refusals - 1)
