"""``python -m launcher.probe``: the container health checks' command."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from launcher.probe import main
from tests.support.ports import free_port


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/openapi.json" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_an_http_url_answering_200_is_healthy(http_port: int) -> None:
    assert main([f"http://127.0.0.1:{http_port}/openapi.json"]) == 0
    assert main([f"http://127.0.0.1:{http_port}/elsewhere"]) == 1


def test_nothing_listening_is_unhealthy() -> None:
    port = free_port()
    assert main([f"http://127.0.0.1:{port}/openapi.json"]) == 1
    assert main([f"127.0.0.1:{port}"]) == 1
