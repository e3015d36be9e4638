"""What an operator is told through Envoy when a station does not answer an operation the
usual way: it closes its socket after receiving it (a hard Reset reboots it), or its answer
cannot be read (issue 12, defects 3 and 8)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.system import System

pytestmark = pytest.mark.e2e

# Bounds a wait only a broken system reaches; the edge's own deadline is 30 s.
PATIENCE = 60.0
BOOT = {"chargePointVendor": "VendorX", "chargePointModel": "ModelY"}


async def _booted(ws: ClientConnection) -> None:
    await ws.send(json.dumps([2, "boot", "BootNotification", BOOT]))
    answer = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
    assert answer[0] == 3 and answer[2]["status"] == "Accepted", answer


async def _reset(system: System, charge_point_id: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=PATIENCE) as client:
        return await client.post(
            f"{system.api_gateway}/api/v1/charge-points/{charge_point_id}/reset",
            json={"type": "HARD"},
        )


async def _next_call(ws: ClientConnection) -> list[Any]:
    frame: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
    assert frame[0] == 2, frame
    return frame


async def test_a_station_that_closes_after_receiving_reset_is_409_not_404(system: System) -> None:
    url = f"{system.ocpp_url}/CLOSES-1"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        await _booted(ws)
        pending = asyncio.ensure_future(_reset(system, "CLOSES-1"))
        frame = await _next_call(ws)
        assert frame[2:] == ["Reset", {"type": "Hard"}]
    # Closed without answering, as a station that reboots at once does.
    reply = await pending
    assert reply.status_code == 409, reply.text
    body = reply.json()
    assert body["code"] == 10  # ABORTED
    assert body["message"].startswith(
        "charge point CLOSES-1 closed its connection after Reset was sent at "
    )
    assert "the station may have acted on it" in body["message"]
    # A station that never connected is still told apart: 404, not connected.
    never = await _reset(system, "NEVER-CONNECTED-1")
    assert never.status_code == 404, never.text
    assert "is not connected" in never.json()["message"]


@pytest.mark.parametrize(
    "answer",
    [
        lambda unique_id: [3, unique_id, "Accepted"],
        # Another valid id (a longer one than 36 characters would be dropped unread).
        lambda unique_id: [3, "x" + unique_id[1:], {"status": "Accepted"}],
    ],
    ids=["payload-not-an-object", "unknown-message-id"],
)
async def test_an_answer_that_cannot_be_the_answer_is_500_at_once_not_504(
    system: System, answer: Any
) -> None:
    url = f"{system.ocpp_url}/GARBLES-1"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        await _booted(ws)
        pending = asyncio.ensure_future(_reset(system, "GARBLES-1"))
        frame = await _next_call(ws)
        await ws.send(json.dumps(answer(frame[1])))
        reply = await pending
    assert reply.status_code == 500, reply.text
    assert reply.json()["message"].startswith(
        "charge point GARBLES-1 answered Reset with a payload that is not valid OCPP: "
    )
