import time

from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from news.models import NewsPage
from newsletter.models import Interest, Subscriber
from newsletter.sending import deliver, start_mailing


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
            self.stderr.write("Load the seed content first (load_seed_content).")
            return
        interest = Interest.objects.sources().get(slug="news-and-events")
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
                assert sent == len(mail.outbox) >= subscribers
                self.stdout.write(
                    f"{sent} emails in {elapsed:.2f} s: {sent / elapsed:.0f} emails/s"
                )
                raise Rollback
        except Rollback:
            pass
