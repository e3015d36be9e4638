"""A raw OCPP-J client through Envoy's OCPP port: both URL forms, bad frames answered with
CALLERRORs, and the connection surviving them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.support.system import System

pytestmark = pytest.mark.e2e

BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Raw"}


async def _call(
    ws: ClientConnection, message_id: str, action: str, payload: dict[str, Any]
) -> list[Any]:
    await ws.send(json.dumps([2, message_id, action, payload]))
    return list(json.loads(await ws.recv()))


async def test_path_form_with_subprotocol(system: System) -> None:
    async with connect(f"{system.ocpp_url}/E2E-RAW-1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "ocpp1.6"
        reply = await _call(ws, "1", "BootNotification", BOOT)
        assert reply[0] == 3 and reply[2]["status"] == "Accepted"
        async with httpx.AsyncClient() as client:
            listed = await client.get(f"{system.gateway}/connections")
        connections = listed.json()["connections"]
        assert "E2E-RAW-1" in [c["chargePointId"] for c in connections]

        await ws.send("this is not json")
        error = json.loads(await ws.recv())
        # A frame that is not an RPC message: OCPP 1.6 spells RpcFrameworkError this way.
        assert error[:3] == [4, "-1", "FormationViolation"]

        reply = await _call(ws, "2", "MakeCoffee", {})
        assert reply[:3] == [4, "2", "NotImplemented"]

        reply = await _call(ws, "3", "BootNotification", {"chargePointVendor": "E2E"})
        assert reply[0] == 4 and reply[1] == "3"

        reply = await _call(ws, "4", "Heartbeat", {})
        assert reply[0] == 3 and "currentTime" in reply[2]


async def test_query_form_from_the_seed(system: System) -> None:
    url = f"{system.ocpp_url}?chargePointId=E2E-RAW-2&version=1.6"
    async with connect(url) as ws:
        reply = await _call(ws, "1", "BootNotification", BOOT)
        assert reply[2]["status"] == "Accepted"


async def test_unsupported_version_is_refused_at_the_handshake(system: System) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{system.ocpp_url}/E2E-RAW-3", subprotocols=["ocpp9.9"]):  # type: ignore[list-item]
            pass
    assert refused.value.response.status_code == 400
