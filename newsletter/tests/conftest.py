"""Fixtures for the newsletter tests: the two seed topics and a same-origin sign-up POST followed
by the background worker's pass that sends its email. (The root conftest empties the rate-limit
cache before each test.)"""

from types import SimpleNamespace

import pytest
from wagtail.models import Locale

from newsletter.models import Interest, NewsletterSignupPage, Subscriber
from newsletter.worker import Worker

SIGNUP_URL = "/newsletter/signup/"
SAME_ORIGIN = "http://testserver"
# The default wording editors start from (the page model's field defaults).
TEXTS = SimpleNamespace(
    **{
        field.name: field.get_default()
        for field in NewsletterSignupPage._meta.get_fields()
        if getattr(field, "has_default", lambda: False)()
    }
)


@pytest.fixture
def interests(db):
    """The two topics; a test that also has the seed gets the seed's own (identical) topics."""

    def topic(**fields):
        existing = Interest.objects.sources().filter(slug=fields["slug"]).first()
        return existing or Interest.objects.create(**fields)

    news = topic(
        name="News and Events", slug="news-and-events", sort_order=1, news_kinds=["news", "event"]
    )
    careers = topic(
        name="Career and Training Opportunities",
        slug="career-and-training-opportunities",
        sort_order=2,
        news_kinds=["career", "training"],
    )
    return news, careers


def valid_data(**overrides):
    data = {
        "email": "new.person@example.org",
        "interests": ["news-and-events"],
        "source": "/sign-up/",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def run_worker(monkeypatch):
    """One pass of the real background worker (newsletter/worker.py), in-process. Between
    passes it closes "old" database connections, which inside a test's transaction would be
    the test's own connection."""
    monkeypatch.setattr("newsletter.worker.close_old_connections", lambda: None)
    return Worker().run_one_pass


@pytest.fixture
def post_signup(client, run_worker):
    """POST to the sign-up endpoint as a same-origin browser would, then let the background
    worker make its next pass (which sends the email, seconds later in real life)."""

    def post(data, **extra):
        extra.setdefault("HTTP_ORIGIN", SAME_ORIGIN)
        response = client.post(SIGNUP_URL, data, **extra)
        run_worker()
        return response

    return post


def snapshot():
    """Every subscriber with all its fields and topics, to prove nothing changed."""
    return [
        (row, sorted(Subscriber.objects.get(pk=row["id"]).interests.values_list("slug", flat=True)))
        for row in Subscriber.objects.order_by("pk").values()
    ]


@pytest.fixture
def spanish_signup_page(seeded_site):
    """The sign-up page translated into Spanish and published (/es/sign-up/): the seed's
    sample translation when the sample translations are loaded."""
    english = NewsletterSignupPage.objects.get(locale__language_code="en")
    spanish_locale = Locale.objects.get(language_code="es")
    spanish = english.get_translation_or_none(spanish_locale) or english.copy_for_translation(
        spanish_locale, copy_parents=True
    )
    for ancestor in spanish.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    spanish.confirmation_subject = "Confirme su suscripción a Boston EMS"
    spanish.preferences_heading = "Sus preferencias de correo"
    spanish.save_revision().publish()
    spanish.refresh_from_db()
    return spanish


@pytest.fixture(scope="session")
def mail_server():
    """One real SMTP listener (aiosmtpd) for the session; tests script its replies."""
    from testing.mail_server import MailServer

    with MailServer() as server:
        yield server


@pytest.fixture
def smtp(mail_server, settings):
    """Django's real SMTP backend pointed at `mail_server`, emptied of earlier tests' mail."""
    mail_server.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return mail_server
