"""Store every address in the form the sign-up now stores (Unicode NFC, the domain in its ASCII
IDNA form, lower-cased) and fold the rows that turn out to be one mailbox, e.g.
user@bücher.example and user@xn--bcher-kva.example: the most confirmed row is kept
(confirmed, then pending, then unsubscribed; the oldest among equals), with the union of
everyone's topics and their update deliveries. The copy of normalise_email below is frozen
on purpose: a migration must do the same thing whatever the code becomes later."""

import unicodedata
from collections import defaultdict

import idna
from django.db import migrations

MOST_CONFIRMED_FIRST = {"confirmed": 0, "pending": 1, "unsubscribed": 2}


def canonical(address):
    local, _, domain = unicodedata.normalize("NFC", address.strip()).rpartition("@")
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        domain = domain.lower()  # not a valid name: left as it was, lower-cased
    return f"{local}@{domain}"


def preference(row):
    return (MOST_CONFIRMED_FIRST.get(row.status, 3), row.created_at, row.pk)


def one_subscriber_per_mailbox(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    Delivery = apps.get_model("newsletter", "Delivery")
    mailboxes = defaultdict(list)
    for row in Subscriber.objects.order_by("pk"):
        mailboxes[canonical(row.email).lower()].append(row)
    for rows in mailboxes.values():
        keep, *duplicates = sorted(rows, key=preference)
        for duplicate in duplicates:
            keep.interests.add(*duplicate.interests.all())
            already = Delivery.objects.filter(subscriber=keep).values("mailing_id")
            Delivery.objects.filter(subscriber=duplicate).exclude(mailing_id__in=already).update(
                subscriber=keep
            )
            duplicate.delete()  # and its deliveries of mailings `keep` also received
        address = canonical(keep.email)
        if address != keep.email:
            Subscriber.objects.filter(pk=keep.pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0009_signup_page_hidden_characters_error")]

    operations = [
        migrations.RunPython(one_subscriber_per_mailbox, migrations.RunPython.noop),
    ]
