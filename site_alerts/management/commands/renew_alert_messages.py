from django.core.management.base import BaseCommand

from site_alerts.cap import renew_open_ended


class Command(BaseCommand):
    help = (
        "Re-issue the CAP message of every alert that is on without an end time before its "
        "24-hour bound runs out (partners drop expired messages). Run it every 15 minutes."
    )

    def handle(self, *args, **options):
        renewed = renew_open_ended()
        self.stdout.write(f"Renewed {renewed} alert message(s).")
