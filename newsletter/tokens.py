"""Signed, expiring links for the emails (Django's signing framework, keyed by SECRET_KEY).

A confirmation token carries the subscriber's id, a keyed hash of their address and the topics
they chose when the email was sent; a preferences token carries the id and the hash. Changing
any character breaks the signature; tokens older than their maximum age are refused. Deleting
a subscriber (or re-creating the address) makes old tokens useless: the id no longer matches.

Key rotation: links are made with SECRET_KEY and accepted when made with it or with any key in
SECRET_KEY_FALLBACKS (Django's signing does so for the signature; address_matches does the
same for the address hash), so the two-year unsubscribe links in old emails survive a new key.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

CONFIRM_SALT = "newsletter.confirm"
PREFERENCES_SALT = "newsletter.preferences"
# Update emails carry a one-click unsubscribe link that must keep working for long.
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class InvalidToken(Exception):
    """The link was changed or cut short."""


class ExpiredToken(InvalidToken):
    """The link is older than its maximum age."""


def address_fingerprint(subscriber, secret=None):
    """A keyed hash of the address: ties the token to it without putting the address itself
    into links (which end up in browser histories and server logs). Keyed by SECRET_KEY, or
    by `secret` (an older key, see matches)."""
    return salted_hmac("newsletter.token", subscriber.email.lower(), secret=secret).hexdigest()[:20]


def make_confirm_token(subscriber, interest_slugs):
    payload = {"s": subscriber.pk, "e": address_fingerprint(subscriber), "i": list(interest_slugs)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def make_preferences_token(subscriber):
    payload = {"s": subscriber.pk, "e": address_fingerprint(subscriber)}
    return signing.dumps(payload, salt=PREFERENCES_SALT, compress=True)


def make_unsubscribe_token(subscriber):
    payload = {"s": subscriber.pk, "e": address_fingerprint(subscriber)}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_token(token, salt):
    """The payload of a valid token; raises InvalidToken or ExpiredToken."""
    max_age = {
        CONFIRM_SALT: settings.NEWSLETTER_CONFIRM_MAX_AGE,
        PREFERENCES_SALT: settings.NEWSLETTER_PREFERENCES_MAX_AGE,
        UNSUBSCRIBE_SALT: settings.NEWSLETTER_UNSUBSCRIBE_MAX_AGE,
    }[salt]
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidToken from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidToken
    return payload


def matches(payload, subscriber):
    """The token was made for this subscriber's address, under the current key or one of
    SECRET_KEY_FALLBACKS (a token signed before a key rotation carries the old key's hash)."""
    if subscriber is None or not isinstance(payload.get("e"), str):
        return False
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(
        constant_time_compare(payload["e"], address_fingerprint(subscriber, secret=key))
        for key in keys
    )
