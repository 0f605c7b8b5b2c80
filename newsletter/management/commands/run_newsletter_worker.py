import logging
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletter.models import Delivery, Subscriber
from newsletter.worker import Worker


class Command(BaseCommand):
    help = (
        "Send newsletter emails in the background: confirmation and preferences emails and "
        "updates to subscribers. Runs until stopped and survives database and mail server "
        "outages (retrying with back-off); run it beside the web server, supervised "
        "(`make run` does). --once sends what is due and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between passes (default 2)."
        )
        parser.add_argument(
            "--max-delay",
            type=float,
            default=300.0,
            help="Longest wait between retries during an outage, in seconds (default 300).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One pass, then exit; non-zero when emails are still waiting (for cron).",
        )

    def handle(self, *args, interval, max_delay, once, verbosity, **options):
        logger = logging.getLogger("newsletter")
        if verbosity >= 1 and logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)  # say what was sent and when it recovered
        worker = Worker(interval=interval, max_delay=max_delay)
        if once:
            sent = worker.run_one_pass()
            waiting = (
                Subscriber.objects.exclude(mail_due="").count()
                + Delivery.objects.filter(status=Delivery.Status.QUEUED).count()
            )
            self.stdout.write(f"Newsletter emails sent: {sent or 0}; still waiting: {waiting}.")
            if waiting:
                raise CommandError(f"{waiting} email(s) still waiting; run again later.")
            return
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        # Which settings, so that a worker started with the wrong ones shows in its log.
        self.stdout.write(
            f"Newsletter worker started with {settings.SETTINGS_MODULE}; stop it with Ctrl+C.",
        )
        worker.run()
