"""A station's DataTransfer to the CSMS, end to end against the real chargepoint_svc: the
answer the station gets and the copy an operator reads back.

The CSMS registers no vendor extensions yet, so every vendorId is unknown to it and the
answer is UnknownVendorId without data (OCPP 1.6 §4.3, 2.0.1 and 2.1 P02). The message is
kept once, in the station's message journal (GET .../messages), both the CALL as the
station sent it and the answer the CSMS gave.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.system import System
from tests.support.waiting import settled

pytestmark = pytest.mark.e2e

# Bounds a wait only a broken system reaches.
PATIENCE = 30.0
BOOT_16 = {"chargePointVendor": "E2E", "chargePointModel": "DataTransfer"}
BOOT_2X = {"reason": "PowerUp", "chargingStation": {"vendorName": "E2E", "model": "DataTransfer"}}
# Each version's station, its BootNotification and a DataTransfer as it would send one
# (2.x ``data`` is any JSON; 1.6 ``data`` is text).
STATIONS = [
    pytest.param(
        "E2E-DT-16",
        "1.6",
        BOOT_16,
        {"vendorId": "com.example", "messageId": "m1", "data": "ping"},
        id="1.6",
    ),
    pytest.param(
        "E2E-DT-201",
        "2.0.1",
        BOOT_2X,
        {"vendorId": "com.example", "messageId": "m1", "data": {"ping": [1, 2]}},
        id="2.0.1",
    ),
    pytest.param(
        "E2E-DT-21", "2.1", BOOT_2X, {"vendorId": "com.example", "data": "ping"}, id="2.1"
    ),
]


async def _answer(ws: ClientConnection, frame: list[Any]) -> list[Any]:
    await ws.send(json.dumps(frame))
    answer: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
    return answer


async def _journal(system: System, station: str) -> list[dict[str, Any]]:
    url = f"{system.api_gateway}/api/v1/charge-points/{station}/messages"
    async with httpx.AsyncClient() as client:
        reply = await client.get(url, params={"actions": "DataTransfer"})
    assert reply.status_code == 200, reply.text
    messages: list[dict[str, Any]] = reply.json().get("messages", [])
    return messages


@pytest.mark.parametrize(("station", "version", "boot", "transfer"), STATIONS)
async def test_a_stations_data_transfer_is_answered_unknown_vendor_and_journalled(
    system: System, station: str, version: str, boot: dict[str, Any], transfer: dict[str, Any]
) -> None:
    url = f"{system.ocpp_url}/{station}"
    async with connect(url, subprotocols=[Subprotocol(f"ocpp{version}")]) as ws:
        booted = await _answer(ws, [2, "boot", "BootNotification", boot])
        assert booted[0] == 3 and booted[2]["status"] == "Accepted", booted
        answer = await _answer(ws, [2, "dt1", "DataTransfer", transfer])
    assert answer == [3, "dt1", {"status": "UnknownVendorId"}]

    async def both() -> list[dict[str, Any]] | None:
        found = await _journal(system, station)
        return found if len(found) == 2 else None

    result, call = await settled(both, what=f"{station}'s DataTransfer in its journal")
    assert (call["direction"], call["messageType"], call["messageId"]) == ("IN", "CALL", "dt1")
    assert json.loads(call["payload"]) == [2, "dt1", "DataTransfer", transfer]
    assert (result["direction"], result["messageType"]) == ("OUT", "CALL_RESULT")
    assert json.loads(result["payload"]) == answer
    assert {call["ocppVersion"], result["ocppVersion"]} == {version}
