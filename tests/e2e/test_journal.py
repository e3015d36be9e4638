"""The message journal through the public face: a station talks to ``csms up`` through
Envoy, and its timeline is read back from the API gateway, filtered by time and action."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.system import System
from tests.support.waiting import settled

pytestmark = pytest.mark.e2e

BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Journal"}
STATION = "E2E-JOURNAL-1"


async def _messages(system: System, **params: Any) -> dict[str, Any]:
    url = f"{system.api_gateway}/api/v1/charge-points/{STATION}/messages"
    async with httpx.AsyncClient() as client:
        response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_a_stations_frames_are_journalled_and_filtered(system: System) -> None:
    async with connect(f"{system.ocpp_url}/{STATION}", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        for frame in (
            [2, "b1", "BootNotification", BOOT],
            [2, "h1", "Heartbeat", {}],
        ):
            await ws.send(json.dumps(frame))
            assert json.loads(await ws.recv())[0] == 3
        await ws.send("this is not json")
        assert json.loads(await ws.recv())[0] == 4

    async def all_six() -> list[dict[str, Any]] | None:
        messages: list[dict[str, Any]] = (await _messages(system)).get("messages", [])
        return messages if len(messages) == 6 else None

    messages = await settled(all_six, what="six journal entries")
    # Newest first; proto3 JSON leaves out empty strings.
    assert [
        (m["direction"], m["messageType"], m.get("messageId", ""), m.get("action", ""))
        for m in messages
    ] == [
        ("OUT", "CALL_ERROR", "-1", ""),
        ("IN", "UNPARSABLE", "", ""),
        ("OUT", "CALL_RESULT", "h1", "Heartbeat"),
        ("IN", "CALL", "h1", "Heartbeat"),
        ("OUT", "CALL_RESULT", "b1", "BootNotification"),
        ("IN", "CALL", "b1", "BootNotification"),
    ]
    assert json.loads(messages[-1]["payload"]) == [2, "b1", "BootNotification", BOOT]
    assert messages[1]["payload"] == "this is not json"
    assert {m["ocppVersion"] for m in messages} == {"1.6"}

    heartbeats = await _messages(system, actions="Heartbeat")
    assert [m["messageType"] for m in heartbeats["messages"]] == ["CALL_RESULT", "CALL"]

    # From the Heartbeat's answer (inclusive) to the bad frame (exclusive).
    window = await _messages(system, fromTime=messages[2]["at"], toTime=messages[1]["at"])
    assert [m["messageType"] for m in window["messages"]] == ["CALL_RESULT"]

    first = await _messages(system, pageSize=4)
    rest = await _messages(system, pageSize=4, pageToken=first["nextPageToken"])
    assert len(first["messages"]) == 4 and len(rest["messages"]) == 2
    assert rest["nextPageToken"] == ""  # Envoy prints primitive fields even when empty
