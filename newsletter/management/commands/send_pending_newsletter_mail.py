from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletter.services import send_all_due_mail


class Command(BaseCommand):
    help = (
        "Send every newsletter email that is still due (for example because the mail server "
        "was down when the visitor signed up). Safe to run at any time and from several "
        "places: each email goes out once. Run it every few minutes from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.WAGTAILADMIN_BASE_URL,
            help="Scheme and host for the links in the emails (default: WAGTAILADMIN_BASE_URL).",
        )

    def handle(self, *args, base_url, **options):
        sent, failed = send_all_due_mail(base_url)
        self.stdout.write(f"Newsletter emails sent: {sent}; still waiting: {failed}.")
        if failed:
            raise CommandError(
                f"{failed} email(s) could not be sent; they stay queued for the next run."
            )
