"""The newsletter's background worker: sends every email that is due, and keeps going.

The queue is the database itself: a subscriber's `mail_due` (confirmation and preferences
emails, stored with the sign-up) and each mailing's queued Delivery rows. A pass sends all of
it; passes repeat every few seconds. Each email is locked, sent and marked in one
transaction (services.send_due_mail, sending.deliver), so a pass can stop anywhere (database
gone, mail server gone, process killed) and the next one picks up exactly where it left off
without sending anyone the same email twice.

Why not django-tasks' `db_worker`: it exits on the first database error that is not a lock,
about 15 s into an outage, and stays dead when the database comes back; a task it was running
is left claimed and never retried. Here every failure is logged and retried with capped
exponential back-off (2 s, 4 s, 8 s ... at most 5 minutes), which also spares a mail server
that is struggling. The process only ends when asked to (SIGTERM/SIGINT), after the email it
is sending.
"""

import logging
import threading

from django.db import DatabaseError, close_old_connections

from newsletter import sending, services
from newsletter.emails import MailServerUnavailable

logger = logging.getLogger(__name__)


def run_pass():
    """Send everything that is due: sign-up emails first (a visitor is waiting for them),
    then queued updates. Returns the number of emails sent."""
    # A connection the database dropped during an outage is replaced, not reused.
    close_old_connections()
    services.record_unrecorded_outcomes()
    return services.send_all_due_mail() + sending.deliver_queued()


def back_off(failures, interval, max_delay):
    """Seconds to wait before the next pass: `interval` while all is well, doubling with each
    failed pass in a row, never more than `max_delay`."""
    return min(max_delay, interval * 2 ** min(failures, 30))


class Worker:
    def __init__(self, interval=2.0, max_delay=300.0):
        self.interval = interval
        self.max_delay = max_delay
        self.failures = 0  # failed passes in a row
        self.stopping = threading.Event()

    def stop(self, *signal_args):
        """Finish the current email, then end (signal handler for SIGTERM and SIGINT)."""
        self.stopping.set()

    def run(self, passes=None):
        """Pass after pass until stopped (or `passes` passes, for tests and --once)."""
        done = 0
        while not self.stopping.is_set():
            self.run_one_pass()
            done += 1
            if passes is not None and done >= passes:
                return
            self.stopping.wait(back_off(self.failures, self.interval, self.max_delay))

    def run_one_pass(self):
        """One pass; returns the number of emails sent, or None when the pass failed."""
        try:
            sent = run_pass()
        except DatabaseError as error:
            return self._failed(f"Database unavailable: {error}")
        except MailServerUnavailable as error:
            return self._failed(f"Mail server unavailable: {error}")
        except Exception:  # a bug must not stop the sending for good: log it, retry later
            logger.exception("Newsletter worker pass failed")
            return self._failed("Unexpected error (traceback above)")
        if self.failures:
            logger.warning("Newsletter worker recovered after %d failed pass(es)", self.failures)
        self.failures = 0
        if sent:
            logger.info("Newsletter emails sent: %d", sent)
        return sent

    def _failed(self, reason):
        self.failures += 1
        delay = back_off(self.failures, self.interval, self.max_delay)
        logger.warning("%s; newsletter worker retries in %.0f s", reason, delay)
        return None
