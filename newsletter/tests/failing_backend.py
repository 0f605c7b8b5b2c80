"""An email backend whose server is down: the one thing we fake, at the edge."""

import smtplib

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused (test)")


class CrashAfterBackend(locmem.EmailBackend):
    """Delivers like locmem, then the process "dies" (an uncaught BaseException) once
    `crash_after` messages went out: a worker killed half-way through a sending."""

    crash_after = 3
    delivered = 0

    def send_messages(self, messages):
        if CrashAfterBackend.delivered >= CrashAfterBackend.crash_after:
            raise KeyboardInterrupt("worker killed (test)")
        CrashAfterBackend.delivered += len(messages)
        return super().send_messages(messages)
