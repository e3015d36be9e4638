"""The browser harness works on this machine: Debian's Chromium starts headless through its
chromedriver, finds a button by role and name, runs the page's script, reads the result back
and saves a screenshot of the 1280x900 viewport. A page served by http.server on a loopback
port stands in for the console, so a failure here is the harness's, not the console's."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.support.browser import HEIGHT, WIDTH, by_label, by_role, screenshot

pytestmark = pytest.mark.browser

PAGE = b"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harness</title></head>
<body>
<main>
<h1>Harness</h1>
<label for="who">Operator name</label> <input id="who" value="operator">
<button type="button" onclick="document.getElementById('answer').textContent =
  'Hello, ' + document.getElementById('who').value">Greet</button>
<p id="answer" role="status" aria-label="Greeting">Nobody greeted yet</p>
</main>
</body>
</html>
"""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows the test's own output only."""


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    # Port 0: the kernel picks a free port and the server holds it from the start.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    serving = threading.Thread(target=server.serve_forever, name="harness-page", daemon=True)
    serving.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        serving.join(timeout=5)
        server.server_close()


def test_a_button_found_by_role_runs_the_pages_script(browser: WebDriver, page_url: str) -> None:
    browser.get(page_url)
    assert by_role(browser, "heading", "Harness").tag_name == "h1"
    name = by_label(browser, "Operator name")
    name.clear()
    name.send_keys("Ada")
    by_role(browser, "button", "Greet").click()
    answer = by_role(browser, "status", "Greeting")
    WebDriverWait(browser, 5).until(lambda _: answer.text == "Hello, Ada")


def test_the_viewport_is_the_harness_size(browser: WebDriver, page_url: str) -> None:
    browser.get(page_url)
    assert browser.execute_script("return [window.innerWidth, window.innerHeight]") == [
        WIDTH,
        HEIGHT,
    ]


def test_a_screenshot_is_a_png_of_the_viewport(
    browser: WebDriver, page_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSMS_CONSOLE_SCREENSHOTS", str(tmp_path / "screenshots"))
    browser.get(page_url)
    saved = screenshot(browser, "harness")
    assert saved == tmp_path / "screenshots" / "harness.png"
    data = saved.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    # IHDR, the first chunk: width and height, big-endian, right after its length and type.
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT)


def test_without_a_screenshot_directory_nothing_is_saved(
    browser: WebDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CSMS_CONSOLE_SCREENSHOTS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert screenshot(browser, "harness") is None
    assert list(tmp_path.iterdir()) == []
