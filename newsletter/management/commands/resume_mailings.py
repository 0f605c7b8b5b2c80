from django.core.management.base import BaseCommand

from newsletter.sending import unfinished_mailings
from newsletter.tasks import send_mailing


class Command(BaseCommand):
    help = (
        "Queue the rest of every mailing that still has unsent deliveries (after a crash or a "
        "mail server outage). Safe to run any time: nobody gets an update twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="Site address for links in emails.")

    def handle(self, *args, base_url, **options):
        count = 0
        for mailing in unfinished_mailings():
            send_mailing.enqueue(mailing.pk, base_url)
            count += 1
        self.stdout.write(f"Queued {count} unfinished mailing(s).")
