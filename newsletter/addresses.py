"""What the newsletter accepts as an email address, and the one form it is stored and compared
in. Shared by the forms (checking what visitors type) and the models (the column's length); it
imports neither, so neither depends on the other through it."""

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

# RFC 5321: the longest address a mail server must accept.
EMAIL_MAX_LENGTH = 254

# No "localhost" allowance: a public newsletter needs a real domain.
_email_syntax = EmailValidator(allowlist=[])


# Characters nobody can see or type on purpose: controls (CR, LF and NUL would allow header
# injection), format characters (zero-width spaces, the bidi overrides that make an address
# display differently from what it is), surrogates, private-use and unassigned code points,
# line and paragraph separators, and U+FFFD, which stands for bytes that were not text.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
REPLACEMENT_CHARACTER = "\ufffd"


def has_hidden_characters(text):
    return any(
        char == REPLACEMENT_CHARACTER or unicodedata.category(char) in HIDDEN_CATEGORIES
        for char in text
    )


def normalise_email(address):
    """The address in the one form stored and compared: Unicode NFC (the same letters typed
    composed or decomposed are one address), the domain in its ASCII form (IDNA A-label,
    what SMTP uses: "bücher.example" and "xn--bcher-kva.example" are the same mailbox) and
    lower-cased. The local part (before the @) keeps its case because RFC 5321 lets mail
    servers treat it case-sensitively; uniqueness ignores case anyway (the database
    constraint is on LOWER(email)). Raises ValueError when the domain is not a valid name."""
    local, _, domain = unicodedata.normalize("NFC", address.strip()).rpartition("@")
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(str(error)) from error
    return f"{local}@{ascii_domain}"


def email_problem(address):
    """Return the name of the first problem with `address` ("required", "hidden_characters",
    "too_long", "invalid") or None when `address` (as typed, spaces stripped) is a valid
    public email address once normalised (normalise_email)."""
    if not address:
        return "required"
    if has_hidden_characters(address):
        return "hidden_characters"
    if len(address) > EMAIL_MAX_LENGTH:
        return "too_long"
    try:
        address = normalise_email(address)
    except ValueError:
        return "invalid"
    if len(address) > EMAIL_MAX_LENGTH:  # the ASCII form of a domain is longer
        return "too_long"
    local, _, domain = address.rpartition("@")
    if not local or len(local) > 64 or "." not in domain or domain.startswith("["):
        return "invalid"
    try:
        _email_syntax(address)
    except ValidationError:
        return "invalid"
    return None
