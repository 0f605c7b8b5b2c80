"""gunicorn.conf.py: each answer leaves a node in one write, so a node that dies mid-answer
leaves nginx either the whole page or nothing, which it retries on the other node (the
kill -9 test in tests/test_topology.py shows it under load; this shows it exactly)."""

import importlib.util

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi

from testing.servers import ROOT


class Socket:
    def __init__(self):
        self.writes = []

    def sendall(self, data):
        self.writes.append(bytes(data))


class Request:
    """What gunicorn's response reads of the request nginx sends (HTTP/1.0)."""

    version = (1, 0)
    method = "GET"

    def should_close(self):
        return True


@pytest.fixture
def one_write_response(monkeypatch):
    monkeypatch.setattr(wsgi, "Response", wsgi.Response)  # put back afterwards
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert wsgi.Response is module.OneWriteResponse  # what gunicorn's workers now build
    return module.OneWriteResponse


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_leaves_the_node_in_one_write(one_write_response, method):
    socket, request = Socket(), Request()
    request.method = method
    response = one_write_response(request, socket, Config())
    body = b"<!DOCTYPE html><title>Boston EMS</title>" * 500
    response.start_response("200 OK", [("Content-Length", str(len(body)))])
    response.write(body)
    response.close()
    assert len(socket.writes) == 1
    head, _, sent_body = socket.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK")
    assert sent_body == (b"" if method == "HEAD" else body)


def test_an_empty_answer_still_sends_its_headers(one_write_response):
    socket = Socket()
    response = one_write_response(Request(), socket, Config())
    response.start_response("301 Moved Permanently", [("Location", "/news/")])
    response.close()
    assert len(socket.writes) == 1 and socket.writes[0].startswith(b"HTTP/1.0 301")
