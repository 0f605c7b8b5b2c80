"""A mail server for tests, the one fake at the true edge (the mail provider): a real SMTP
listener on a loopback port (aiosmtpd, in a thread of the test process), so the real client
code (Django's SMTP backend, smtplib) talks real SMTP to it.

Behaviours, switchable while it runs so the newsletter worker keeps its address:
- working: accepts every message and records it in `messages`;
- scripted replies (`script`): for one recipient, the replies it gets at RCPT or at DATA on
  its next attempts ("450 4.2.0 Greylisted", "554 5.6.0 Rejected"...), one per attempt, then
  it is accepted again. `attempts` records what each recipient was answered;
- logins are refused (535): a client that logs in (EMAIL_HOST_USER set) meets a wrong
  password; one that does not sends as usual;
- black hole (`black_hole = True`): accepts TCP connections and never says a word, the way a
  hung or firewalled server behaves; the client waits for its EMAIL_TIMEOUT. Connections it
  held are in `accepted`.
A connection refused is a port where nothing listens: `closed_port_url()`.
"""

import asyncio
import email
import email.policy
import threading
from collections import defaultdict, deque
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from testing.servers import free_port

ACCEPTED = "250 OK"


@dataclass
class ReceivedMessage:
    sender: str
    recipients: list
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _BlackHole(asyncio.Protocol):
    """A connection that is accepted and never answered."""

    def __init__(self, server):
        self.server = server

    def connection_made(self, transport):
        self.server.accepted.append(transport)


class _Handler:
    """aiosmtpd's hooks: the scripted reply for this recipient and stage, else acceptance."""

    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        reply = self.server._next_reply(address, "RCPT")
        if reply == ACCEPTED:
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, smtp, session, envelope):
        reply = ACCEPTED
        for address in envelope.rcpt_tos:
            reply = self.server._next_reply(address, "DATA")
            if reply != ACCEPTED:
                return reply
        with self.server.lock:
            self.server.messages.append(
                ReceivedMessage(
                    envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                )
            )
        return "250 OK queued"


def _refuse_every_login(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


class _Controller(Controller):
    def __init__(self, server, port):
        self.mail_server = server
        super().__init__(
            _Handler(server),
            hostname="127.0.0.1",
            port=port,
            authenticator=_refuse_every_login,
            auth_require_tls=False,
        )

    def factory(self):
        if self.mail_server.black_hole:
            return _BlackHole(self.mail_server)
        return super().factory()


class MailServer:
    def __init__(self, black_hole=False):
        self.black_hole = False  # the controller's own start-up check needs a greeting
        self.accepted = []  # connections held silent while a black hole
        self.messages = []
        self.attempts = []  # (recipient, stage, reply) for every RCPT and DATA answered
        self.lock = threading.Lock()
        self._script = defaultdict(deque)
        self.port = free_port()
        self._controller = _Controller(self, self.port)
        self._controller.start()
        self.black_hole = black_hole

    @property
    def url(self):
        """EMAIL_URL for this server (plain SMTP, no login)."""
        return f"smtp://127.0.0.1:{self.port}"

    def recipients(self):
        """Every recipient of every message received, in order (one entry per message)."""
        with self.lock:
            return [address for message in self.messages for address in message.recipients]

    def script(self, recipient, rcpt=(), data=()):
        """Answer `recipient`'s next attempts with these replies: `rcpt` at RCPT TO, then
        `data` at the end of DATA (one reply per attempt; acceptance once used up)."""
        with self.lock:
            self._script[(recipient.lower(), "RCPT")].extend(rcpt)
            self._script[(recipient.lower(), "DATA")].extend(data)

    def replies_to(self, recipient, stage="RCPT"):
        """The replies `recipient` was given at `stage`, in order."""
        with self.lock:
            return [
                reply
                for address, at, reply in self.attempts
                if address.lower() == recipient.lower() and at == stage
            ]

    def reset(self):
        """Forget messages, attempts and scripts (a module-scoped server between tests)."""
        with self.lock:
            self.messages.clear()
            self.attempts.clear()
            self._script.clear()

    def _next_reply(self, address, stage):
        with self.lock:
            replies = self._script[(address.lower(), stage)]
            reply = replies.popleft() if replies else ACCEPTED
            self.attempts.append((address, stage, reply))
        return reply

    def close(self):
        loop = self._controller.loop
        for transport in self.accepted:
            loop.call_soon_threadsafe(transport.close)
        self._controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def closed_port_url():
    """EMAIL_URL of a loopback port where nothing listens: the connection is refused."""
    return f"smtp://127.0.0.1:{free_port()}"
