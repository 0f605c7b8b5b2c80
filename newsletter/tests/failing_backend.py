"""An email backend whose server is down: the one thing we fake, at the edge."""

import smtplib
import threading

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


class SlowServerBackend(locmem.EmailBackend):
    """A mail server that holds the conversation until the test lets it answer: `talking`
    is set while it holds, `answer` lets it accept the message (as locmem does)."""

    talking = threading.Event()
    answer = threading.Event()

    def send_messages(self, messages):
        SlowServerBackend.talking.set()
        SlowServerBackend.answer.wait(timeout=60)
        return super().send_messages(messages)
