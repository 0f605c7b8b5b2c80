"""Email reliability: a mail server outage never loses a sign-up and never shows an error."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from newsletter.models import NewsletterSignupPage, Subscriber
from newsletter.tests.conftest import valid_data

pytestmark = pytest.mark.django_db
FAILING = "newsletter.tests.failing_backend.EmailBackend"
REFUSING = "newsletter.tests.failing_backend.RefusingEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def retry():
    out = StringIO()
    call_command("run_newsletter_worker", "--once", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("backend", [FAILING, REFUSING], ids=["SMTP error", "connection refused"])
def test_mail_server_down_keeps_the_signup_and_a_retry_sends_it_once(
    interests, post_signup, settings, backend
):
    settings.EMAIL_BACKEND = backend
    response = post_signup(valid_data(email="outage@example.org"))
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-email/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.mail_due == Subscriber.Mail.CONFIRMATION
    assert subscriber.mail_failures == 1
    assert mail.outbox == []

    # Still down: the command says so (non-zero exit for cron) and keeps the email queued.
    with pytest.raises(CommandError):
        retry()
    assert Subscriber.objects.get().mail_due == Subscriber.Mail.CONFIRMATION

    settings.EMAIL_BACKEND = LOCMEM
    assert "sent: 1" in retry()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["outage@example.org"]
    # The request is gone, so links use WAGTAILADMIN_BASE_URL.
    assert f"{settings.WAGTAILADMIN_BASE_URL}/newsletter/confirm/" in mail.outbox[0].body
    subscriber.refresh_from_db()
    assert subscriber.mail_due == "" and subscriber.mail_sent_at is not None
    assert "sent: 0" in retry()
    assert len(mail.outbox) == 1  # exactly once


def test_retry_skips_an_email_that_is_no_longer_wanted(interests, post_signup, settings):
    settings.EMAIL_BACKEND = FAILING
    post_signup(valid_data(email="gone@example.org"))
    Subscriber.objects.update(status=Subscriber.Status.UNSUBSCRIBED)
    settings.EMAIL_BACKEND = LOCMEM
    retry()
    assert mail.outbox == []
    assert Subscriber.objects.get().mail_due == ""


def test_a_new_signup_during_an_outage_is_not_refused(interests, post_signup, settings):
    settings.EMAIL_BACKEND = FAILING
    for number in range(3):
        assert post_signup(valid_data(email=f"o{number}@example.org")).status_code == 302
    settings.EMAIL_BACKEND = LOCMEM
    assert "sent: 3" in retry()
    assert sorted(m.to[0] for m in mail.outbox) == [f"o{n}@example.org" for n in range(3)]


def test_editors_wording_is_used_and_cannot_inject_headers(interests, post_signup, seeded_site):
    page = NewsletterSignupPage.objects.get()
    page.confirmation_subject = "Confirm please\nBcc: victim@example.org"
    page.confirmation_email_text = "Hello from the communications team."
    page.save_revision().publish()
    post_signup(valid_data(email="words@example.org"))
    message = mail.outbox[0]
    assert message.subject == "Confirm please Bcc: victim@example.org"
    assert message.bcc == [] and message.recipients() == ["words@example.org"]
    assert "Hello from the communications team." in message.body
    assert "Hello from the communications team." in message.alternatives[0][0]
