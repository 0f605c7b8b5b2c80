"""gunicorn's settings for every app node. gunicorn reads ./gunicorn.conf.py by itself: the
systemd unit (deploy/systemd/bostonems-gunicorn.service, WorkingDirectory is the checkout),
`make serve`, the test servers and `make bench` all start gunicorn from the checkout, so all of
them run with this. The command-line flags (bind, workers, timeouts) stay in each command.

One answer, one write. gunicorn sends a response's status line and headers with one write and
its body with the next. A node that dies between the two (kill -9, the OOM killer, a lost host)
leaves nginx with the headers of an answer it has started passing on and cannot retry: the
visitor gets a broken page (under load, about one request per kill in the topology tests). Sent
as one write, a page is either wholly in the kernel, which delivers it even after the process is
gone, or not sent at all, which nginx retries on the other node (proxy_next_upstream in
deploy/nginx/bostonems.conf). The headers are held until the first piece of the body, or the end
of the response, and go out with it.
"""

from gunicorn.http import wsgi


class _HeldWrites:
    """Stands in for the socket while gunicorn writes the headers: keeps what it is given."""

    def __init__(self):
        self.data = b""

    def sendall(self, data):
        self.data += data


class OneWriteResponse(wsgi.Response):
    """gunicorn's response, with the headers sent in the same write as the body's start."""

    held = b""

    def send_headers(self):
        if self.headers_sent:
            return
        socket, self.sock = self.sock, _HeldWrites()
        try:
            super().send_headers()
        finally:
            self.held, self.sock = self.held + self.sock.data, socket

    def send_held(self):
        if self.held:
            held, self.held = self.held, b""
            self.sock.sendall(held)

    def _emit_body(self, data):
        if self.held and not self.chunked:
            held, self.held = self.held, b""
            self.sock.sendall(held + data)
            return
        self.send_held()
        super()._emit_body(data)

    def sendfile(self, respiter):
        # A file is sent by the kernel straight from disk: headers first, as gunicorn does.
        self.send_headers()
        self.send_held()
        return super().sendfile(respiter)

    def close(self):
        if not self.headers_sent:
            self.send_headers()
        self.send_held()
        super().close()


wsgi.Response = OneWriteResponse
