from django.core.management.base import BaseCommand

from content_health.digest import send_review_digests


class Command(BaseCommand):
    help = (
        "Email each page owner the pages that are overdue or due soon for review, once a "
        "week (safe to run daily or hourly from cron: nobody gets the same week's email twice)."
    )

    def handle(self, *args, **options):
        sent = send_review_digests()
        self.stdout.write(f"Review reminders sent: {sent}")
