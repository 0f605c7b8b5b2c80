"""A fake mail server for tests, the one fake at the true edge (the mail provider): a real SMTP
listener on a loopback port, standard library only (smtpd is gone from Python 3.12).

Two behaviours, switchable while it runs so the newsletter worker keeps its address:
- black hole (`black_hole = True`): accepts TCP connections and never says a word, the way a
  hung or firewalled server behaves; the client waits for its EMAIL_TIMEOUT. Connections it
  held are in `accepted`.
- working: speaks just enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for
  smtplib and Django's SMTP backend, and records every message accepted in `messages`.
"""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass


@dataclass
class ReceivedMessage:
    sender: str
    recipients: list
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)


class MailServer:
    def __init__(self, black_hole=False):
        self.black_hole = black_hole
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = []  # connections held silent while a black hole
        self.messages = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        """EMAIL_URL for this server (plain SMTP, no login)."""
        return f"smtp://127.0.0.1:{self.port}"

    def recipients(self):
        """Every recipient of every message received, in order (one entry per message)."""
        with self.lock:
            return [address for message in self.messages for address in message.recipients]

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            if self.black_hole:
                self.accepted.append(client)  # held open, never answered
            else:
                threading.Thread(target=self._converse, args=(client,), daemon=True).start()

    def _converse(self, client):
        with client, client.makefile("rb") as lines:

            def reply(text):
                client.sendall(text.encode() + b"\r\n")

            reply("220 localhost fake SMTP")
            sender, recipients = None, []
            for raw in lines:
                command = raw.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    reply("250-localhost\r\n250 8BITMIME")
                elif verb == "HELO":
                    reply("250 localhost")
                elif verb == "MAIL":
                    sender, recipients = _address(command), []
                    reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(_address(command))
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    data = _read_data(lines)
                    with self.lock:
                        self.messages.append(ReceivedMessage(sender, recipients, data))
                    reply("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    reply("250 OK")
                elif verb == "QUIT":
                    reply("221 Bye")
                    return
                else:
                    reply("502 Command not implemented")

    def close(self):
        for client in self.accepted:
            client.close()
        self.listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_data(lines):
    """The message after DATA, up to the line holding a single dot (dot-stuffing undone)."""
    data = []
    for line in lines:
        if line == b".\r\n":
            break
        data.append(line[1:] if line.startswith(b"..") else line)
    return b"".join(data)


def _address(command):
    """The address in "MAIL FROM:<a@b> SIZE=1" or "RCPT TO:<a@b>"."""
    return command.partition("<")[2].partition(">")[0]
