"""The System page against a fake API: the components' health grouped with N / M serving,
the statistics, the sampler's charts as console.js reads them (``data-series``), its empty
states, a refused or missing CSMS_CONSOLE_API_TOKEN, and a part of the API that fails."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from console.access import COOKIE
from console.app import build
from servicekit.settings import Settings
from tests.console.fake_api import FakeApi, token
from tests.console.html_checks import attribute_values, check_page

pytestmark = pytest.mark.unit


def wait_for_samples(client: TestClient, count: int = 1) -> None:
    sampler = client.app.state.sampler  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while len(sampler.points) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(sampler.points) >= count


def test_the_system_page_shows_health_statistics_and_charts(client: TestClient) -> None:
    wait_for_samples(client)
    response = client.get("/console/system")
    page = check_page(response)
    words = page.words
    assert "4 / 5 serving" in words
    assert "edge at 10.0.0.2:50054 is unreachable." in words
    assert "edge 1 / 2 serving" in words
    assert "UNAVAILABLE: connection refused" in words
    assert "Serving" in words and "Unreachable" in words
    assert "Active connections 3" in words
    assert "OCPP 1.6 2" in words and "OCPP 2.0.1 1" in words
    assert "Handshakes refused 2" in words
    assert "Error rate 1.25 %" in words
    assert "FormationViolation 4" in words
    assert "Transactions completed unknown" in words
    assert "over 2 edge replicas" in words
    assert "Heartbeat from stations 300 0 1.5 3.0 4.2 9.0" in words
    assert words.index("Heartbeat from stations") < words.index("BootNotification from")
    assert '<link rel="alternate" type="application/json" href="/api/v1/statistics">' in (
        response.text
    )
    assert 'hx-trigger="every 10s"' in response.text
    assert response.text.count("data-series=") == 3
    assert "No samples yet" not in words


def test_the_system_charts_hold_the_series_console_js_draws(client: TestClient) -> None:
    wait_for_samples(client)
    response = client.get("/console/system", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    series = [json.loads(value) for value in attribute_values(response.text, "data-series")]
    labels = [[s["label"] for s in chart["series"]] for chart in series]
    assert labels == [["Connections"], ["Received/s", "Sent/s", "CALLERRORs/s"], ["Worst p99 (ms)"]]
    for chart in series:
        assert all(len(s["values"]) == len(chart["t"]) for s in chart["series"])
    assert series[0]["series"][0]["values"][0] == 3
    assert series[2]["series"][0]["values"][0] == 55.5


def test_the_system_page_says_when_there_is_no_sample_yet(api: FakeApi, tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)  # no lifespan: the sampler never starts
    page = check_page(plain.get("/console/system"))
    assert "No samples yet: the first arrives within 10 s." in page.words


def test_the_system_page_says_the_charts_need_a_token_when_the_api_refuses_them(
    api: FakeApi, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CONSOLE_API_TOKEN": "console.tok.en"}
    )
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)
    api.refuse = True
    asyncio.run(app.state.sampler.sample())
    assert api.requests[-1].headers["authorization"] == "Bearer console.tok.en"
    api.refuse = False
    plain.cookies.set(COOKIE, token("viewer"))
    page = check_page(plain.get("/console/system"))
    assert "refused the console's token" in page.words
    assert "a valid viewer token in CSMS_CONSOLE_API_TOKEN" in page.words


def test_without_a_token_the_system_page_names_the_variable(api: FakeApi, tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    app = build(settings.console, transport=httpx.MockTransport(api))
    plain = TestClient(app)
    api.refuse = True
    asyncio.run(app.state.sampler.sample())
    assert "authorization" not in api.requests[-1].headers
    api.refuse = False
    page = check_page(plain.get("/console/system"))
    assert "the charts need CSMS_CONSOLE_API_TOKEN" in page.words
    assert "No samples yet" in page.words


def test_the_system_page_says_what_failed_when_a_part_of_the_api_does(
    client: TestClient, api: FakeApi
) -> None:
    api.document = b""
    original = api.answer

    def without_services(method: str, path: str) -> dict[str, Any] | None:
        return None if path == "/api/v1/services" else original(method, path)

    api.answer = without_services  # type: ignore[method-assign]
    page = check_page(client.get("/console/system"))
    assert "The API did not say how the components are: no /api/v1/services" in page.words
    assert "Active connections 3" in page.words
