"""Operator calls held to what a station accepts, through Envoy: a CALL larger than
CSMS_MAX_MESSAGE_BYTES, or than an OCPP 2.x station's DeviceDataCtrlr BytesPerMessage /
ItemsPerMessage in its reported device model, is refused with a 400 naming the limit,
and the station receives nothing of it (the next CALL it sees is the next request)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

MAX_BYTES = 8192
PATIENCE = 20.0


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("csms"), CSMS_MAX_MESSAGE_BYTES=str(MAX_BYTES)
    ) as running:
        yield running


async def _call(ws: ClientConnection, message_id: str, action: str, payload: Any) -> list[Any]:
    await ws.send(json.dumps([2, message_id, action, payload]))
    answer: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
    assert answer[:2] == [3, message_id], answer
    return answer


async def _send(system: System, station: str, action: str, payload: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=PATIENCE) as client:
        return await client.post(
            f"{system.gateway}/connections/{station}/send",
            json={"action": action, "payload": payload},
        )


async def _delivered_next(
    system: System, ws: ClientConnection, station: str, action: str, payload: Any
) -> list[Any]:
    """Send ``action`` through the API and answer it: the first CALL the station receives
    after a refused one must be this one."""
    pending = asyncio.ensure_future(_send(system, station, action, payload))
    frame: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
    assert frame[0] == 2 and frame[2] == action and frame[3] == payload, frame
    await ws.send(json.dumps([3, frame[1], {"status": "Accepted"}]))
    assert (await pending).status_code == 200
    return frame


async def test_a_call_over_csms_max_message_bytes_is_refused_before_sending(
    system: System,
) -> None:
    station = "E2E-LIMIT-16"
    async with connect(f"{system.ocpp_url}/{station}", subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        await _call(
            ws, "b", "BootNotification", {"chargePointVendor": "E2E", "chargePointModel": "L"}
        )
        big = {"vendorId": "com.example", "data": "x" * MAX_BYTES}
        refused = await _send(system, station, "DataTransfer", big)
        assert refused.status_code == 400, refused.text
        assert f"CSMS_MAX_MESSAGE_BYTES={MAX_BYTES}" in refused.text
        assert "DataTransfer to E2E-LIMIT-16 would be a" in refused.text
        small = {"vendorId": "com.example", "data": "x" * (MAX_BYTES - 200)}
        await _delivered_next(system, ws, station, "DataTransfer", small)


def _limit(variable: str, instance: str, value: int) -> dict[str, Any]:
    return {
        "component": {"name": "DeviceDataCtrlr"},
        "variable": {"name": variable, "instance": instance},
        "variableAttribute": [{"type": "Actual", "value": str(value), "mutability": "ReadOnly"}],
        "variableCharacteristics": {"dataType": "integer", "supportsMonitoring": False},
    }


def _set(count: int, size: int) -> dict[str, Any]:
    return {
        "setVariableData": [
            {
                "attributeValue": "v" * size,
                "component": {"name": "OCPPCommCtrlr"},
                "variable": {"name": f"Var{n}"},
            }
            for n in range(count)
        ]
    }


async def test_a_2x_stations_bytes_and_items_per_message_hold_its_calls(system: System) -> None:
    station = "E2E-LIMIT-201"
    boot = {"reason": "PowerUp", "chargingStation": {"model": "L", "vendorName": "E2E"}}
    url = f"{system.ocpp_url}/{station}"
    async with connect(url, subprotocols=[Subprotocol("ocpp2.0.1")]) as ws:
        await _call(ws, "b", "BootNotification", boot)
        report = {
            "requestId": 1,
            "generatedAt": "2026-12-07T12:00:00Z",
            "seqNo": 0,
            "tbc": False,
            "reportData": [
                _limit("BytesPerMessage", "SetVariables", 1000),
                _limit("ItemsPerMessage", "SetVariables", 2),
            ],
        }
        await _call(ws, "r", "NotifyReport", report)

        too_many = await _send(system, station, "SetVariables", _set(3, 10))
        assert too_many.status_code == 400, too_many.text
        assert "DeviceDataCtrlr.ItemsPerMessage[SetVariables]=2" in too_many.text
        too_big = await _send(system, station, "SetVariables", _set(2, 600))
        assert too_big.status_code == 400, too_big.text
        assert "DeviceDataCtrlr.BytesPerMessage[SetVariables]=1000" in too_big.text

        pending = asyncio.ensure_future(_send(system, station, "SetVariables", _set(2, 10)))
        frame: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
        assert frame[2] == "SetVariables" and frame[3] == _set(2, 10), frame
        results = [
            {
                "attributeStatus": "Accepted",
                "component": item["component"],
                "variable": item["variable"],
            }
            for item in frame[3]["setVariableData"]
        ]
        await ws.send(json.dumps([3, frame[1], {"setVariableResult": results}]))
        assert (await pending).status_code == 200
