import time

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from news.models import NewsPage
from newsletter.models import Subscriber
from newsletter.sending import deliver, interest_for, start_mailing


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Measure sending speed: emails/s for N confirmed subscribers through the real sending "
        "code with the in-memory mail backend. Everything it creates is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=1000)

    def handle(self, *args, subscribers, **options):
        page = NewsPage.objects.live().filter(kind="news").first()
        if page is None:
            raise CommandError(
                "No live news page: load the seed content first (load_seed_content)."
            )
        # The topic the real sending code picks for this page, whatever editors named it.
        interest = interest_for(page)
        if interest is None:
            raise CommandError(f"No newsletter topic receives '{page.kind}' pages.")
        try:
            with (
                transaction.atomic(),
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            ):
                mail.outbox = []
                rows = Subscriber.objects.bulk_create(
                    Subscriber(email=f"bench{n}@example.org", status="confirmed")
                    for n in range(subscribers)
                )
                Subscriber.interests.through.objects.bulk_create(
                    Subscriber.interests.through(subscriber_id=row.pk, interest_id=interest.pk)
                    for row in rows
                )
                started = time.perf_counter()
                mailing = start_mailing(page, None)
                sent = deliver(mailing.pk)
                elapsed = time.perf_counter() - started
                if not sent == len(mail.outbox) >= subscribers:
                    raise CommandError(
                        f"Sent {sent} of {subscribers} emails ({len(mail.outbox)} in the outbox)."
                    )
                self.stdout.write(
                    f"{sent} emails in {elapsed:.2f} s: {sent / elapsed:.0f} emails/s"
                )
                raise Rollback
        except Rollback:
            pass
