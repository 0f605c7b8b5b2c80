"""How long the emailed links work and whom they work for: a one-click unsubscribe link in a
two-year-old update email still unsubscribes, also after the site's key was rotated and after
the site was upgraded; a link re-signed for somebody else's address changes nothing. Time is
moved, never waited for."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.tests.conftest import TEXTS
from newsletter.tokens import (
    PREFERENCES_SALT,
    UNSUBSCRIBE_SALT,
    address_fingerprint,
    make_preferences_token,
    make_unsubscribe_token,
)

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
# An update email's unsubscribe link as an earlier release of the site made it, under that
# release's key. Emails already sent keep their links for two years: a release that changed how
# links are made or checked (the address hash's salt, its length, how the address is
# normalised) would break the one-click unsubscribe in every one of them.
EARLIER_RELEASE = SimpleNamespace(
    key="a-key-of-an-earlier-release-" + "k" * 30,
    sent_at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
    subscriber_pk=90210,
    email="Reader@Example.org",
    unsubscribe_token=(
        "eyJzIjo5MDIxMCwiZSI6IjlkNDc3YWJhN2M4YTNiNjk1MzIwIn0:1vcjFg:"
        "Gh6nPVpIPcPa4rCaVQ6f_HGnNqsLpPNacNHPJ_nI55I"
    ),
)


@pytest.fixture
def reader(interests):
    subscriber = Subscriber.objects.create(email="reader@example.org", status=Status.CONFIRMED)
    subscriber.interests.set(interests[:1])
    return subscriber


def one_click(client, token):
    """What the mail provider's unsubscribe button sends (RFC 8058)."""
    return client.post(
        f"/newsletter/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def status_of(subscriber):
    subscriber.refresh_from_db()
    return subscriber.status


@pytest.mark.parametrize("days", [8, 729])
def test_the_unsubscribe_link_of_an_old_email_still_unsubscribes(
    client, reader, time_machine, days
):
    now = timezone.now()
    time_machine.move_to(now - timedelta(days=days), tick=False)
    token = make_unsubscribe_token(reader)  # the update email sent back then
    time_machine.move_to(now, tick=False)
    response = one_click(client, token)
    assert response.status_code == 200
    assert TEXTS.unsubscribed_message in response.content.decode()
    assert status_of(reader) == Status.UNSUBSCRIBED


def test_an_unsubscribe_link_older_than_two_years_has_expired(client, reader, time_machine):
    now = timezone.now()
    time_machine.move_to(now - timedelta(days=731), tick=False)
    token = make_unsubscribe_token(reader)
    time_machine.move_to(now, tick=False)
    assert one_click(client, token).status_code == 410
    assert status_of(reader) == Status.CONFIRMED


@pytest.mark.parametrize("salt", [UNSUBSCRIBE_SALT, PREFERENCES_SALT])
def test_a_link_signed_for_another_address_changes_nothing(client, reader, salt):
    """A validly signed link whose address hash is somebody else's (the id in it points to
    `reader`) is refused like a link to nobody, whatever it asks for."""
    other = Subscriber.objects.create(email="other@example.org", status=Status.CONFIRMED)
    token = signing.dumps(
        {"s": reader.pk, "e": address_fingerprint(other)}, salt=salt, compress=True
    )
    kind = "unsubscribe" if salt == UNSUBSCRIBE_SALT else "preferences"
    if kind == "unsubscribe":
        response = one_click(client, token)
    else:
        response = client.post(f"/newsletter/preferences/{token}/", {"action": "unsubscribe"})
    assert response.status_code == 404
    assert TEXTS.unknown_subscriber_text in response.content.decode()
    assert status_of(reader) == Status.CONFIRMED
    assert status_of(other) == Status.CONFIRMED


def test_the_unsubscribe_link_of_an_email_sent_by_an_earlier_release_still_unsubscribes(
    client, settings, time_machine
):
    settings.SECRET_KEY = EARLIER_RELEASE.key
    reader = Subscriber.objects.create(
        pk=EARLIER_RELEASE.subscriber_pk, email=EARLIER_RELEASE.email, status=Status.CONFIRMED
    )
    time_machine.move_to(EARLIER_RELEASE.sent_at + timedelta(days=300), tick=False)
    response = one_click(client, EARLIER_RELEASE.unsubscribe_token)
    assert response.status_code == 200
    assert TEXTS.unsubscribed_message in response.content.decode()
    assert status_of(reader) == Status.UNSUBSCRIBED


@pytest.mark.parametrize("payload", ["a list", "a subscriber number as text"])
def test_a_signed_link_without_a_subscriber_number_is_refused_as_changed(client, reader, payload):
    """Signed with the site's key but not shaped like our links (only the key's holder could
    make one): the friendly "changed link" answer, never an error page, and nothing changes."""
    fingerprint = address_fingerprint(reader)
    content = {
        "a list": [reader.pk, fingerprint],
        "a subscriber number as text": {"s": str(reader.pk), "e": fingerprint},
    }[payload]
    response = one_click(client, signing.dumps(content, salt=UNSUBSCRIBE_SALT, compress=True))
    assert response.status_code == 400
    assert TEXTS.invalid_link_text in response.content.decode()
    assert status_of(reader) == Status.CONFIRMED


def test_links_made_before_a_key_rotation_still_work(client, reader, settings):
    settings.SECRET_KEY = "the-key-before-rotation-" + "o" * 30
    unsubscribe, preferences = make_unsubscribe_token(reader), make_preferences_token(reader)

    settings.SECRET_KEY = "the-new-key-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = []  # rotated without keeping the old key: links break
    assert one_click(client, unsubscribe).status_code == 400
    assert status_of(reader) == Status.CONFIRMED

    settings.SECRET_KEY_FALLBACKS = ["the-key-before-rotation-" + "o" * 30]
    assert client.get(f"/newsletter/preferences/{preferences}/").status_code == 200
    assert one_click(client, unsubscribe).status_code == 200
    assert status_of(reader) == Status.UNSUBSCRIBED
    # New links use the new key.
    assert make_unsubscribe_token(reader) != unsubscribe
