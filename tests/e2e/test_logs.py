"""``CSMS_LOG_FORMAT=json`` through the whole system: a station's messages leave JSON lines
naming the station, the OCPP message id and the action, at the edge and in the service
the edge called."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.support.system import System, running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

STATION = "E2E-LOG-1"


@pytest.fixture(scope="module")
def json_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(tmp_path_factory.mktemp("csms"), CSMS_LOG_FORMAT="json") as running:
        yield running


def _json_lines(system: System) -> list[dict[str, Any]]:
    """The log lines the CSMS processes wrote (Envoy and the supervisor write their own)."""
    found = []
    for line in system.log().splitlines():
        if line.startswith("{"):
            parsed = json.loads(line)
            if isinstance(parsed, dict) and "component" in parsed:
                found.append(parsed)
    return found


def _about(system: System, message_id: str, component: str) -> list[dict[str, Any]]:
    return [
        line
        for line in _json_lines(system)
        if line.get("message_id") == message_id and line["component"] == component
    ]


async def test_a_station_message_leaves_json_lines_with_its_context(json_system: System) -> None:
    async with connect(f"{json_system.ocpp_url}/{STATION}", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        # An unknown station under the open admission policy: the chargepoint service
        # registers it and says so, in the context of the edge's BootNotification.
        boot = {"chargePointVendor": "E2E", "chargePointModel": "Logs"}
        await ws.send(json.dumps([2, "boot-1", "BootNotification", boot]))
        assert json.loads(await ws.recv())[0] == 3
        await ws.send(json.dumps([2, "coffee-1", "MakeCoffee", {}]))
        assert json.loads(await ws.recv())[:3] == [4, "coffee-1", "NotImplemented"]

    refused = eventually(lambda: _about(json_system, "coffee-1", "edge-1"), what="edge line")
    assert refused[0]["charge_point_id"] == STATION
    assert refused[0]["action"] == "MakeCoffee"
    assert refused[0]["logger"] == "edge.session"
    assert refused[0]["message"].startswith("answered NotImplemented")
    assert STATION not in refused[0]["message"]  # said once, as a field

    registered = eventually(lambda: _about(json_system, "boot-1", "chargepoint"), what="service")
    assert registered[0]["charge_point_id"] == STATION
    assert registered[0]["action"] == "BootNotification"

    connected = eventually(
        lambda: [
            line
            for line in _json_lines(json_system)
            if line.get("charge_point_id") == STATION and line["message"].startswith("connected")
        ],
        what="connection line",
    )
    assert "message_id" not in connected[0]
    for line in _json_lines(json_system):
        assert {"ts", "level", "component", "logger", "message"} <= set(line)
        assert line["ts"].endswith("Z")


def test_log_files_are_json_only(json_system: System) -> None:
    """Every line a CSMS process (not Envoy, not the supervisor's banner) writes is JSON."""
    text_lines = [
        line for line in json_system.log().splitlines() if " level=" in line and "logger=" in line
    ]
    assert text_lines == []
