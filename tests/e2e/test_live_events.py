"""Live fleet events through the public face (issue 14): ``GET /api/v1/events`` on the API
gateway streams newline-delimited JSON while raw OCPP 1.6 stations connect through Envoy,
boot and leave; ``GET /api/v1/connections?chargePointIds=...`` answers which of the stations
asked are connected. On both topologies (tests/e2e/conftest.py): with three edge replicas
the stream and the station are usually on different replicas, and the events cross Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.support.system import System

pytestmark = [pytest.mark.e2e, pytest.mark.topologies]

BOOT = {"chargePointVendor": "E2E", "chargePointModel": "LiveEvents"}
# Only reached when something is broken: the test fails instead of hanging.
PATIENCE = 15.0


class EventStream:
    """An open ``GET /api/v1/events``, read line by line, KEEPALIVEs skipped."""

    def __init__(self, lines: AsyncIterator[str]) -> None:
        self._lines = lines

    async def next(self) -> dict[str, Any]:
        while True:
            line = await asyncio.wait_for(anext(self._lines), PATIENCE)
            if not line:
                continue
            event: dict[str, Any] = json.loads(line)
            if event["kind"] != "KEEPALIVE":
                return event

    async def until(self, count: int, station: str) -> list[dict[str, Any]]:
        """The next ``count`` events of ``station``; others before them are skipped."""
        found: list[dict[str, Any]] = []
        while len(found) < count:
            event = await self.next()
            if event["chargePointId"] == station:
                found.append(event)
        return found


@asynccontextmanager
async def events(system: System, *stations: str) -> AsyncIterator[EventStream]:
    params = {"chargePointIds": list(stations)}  # repeated: ?chargePointIds=A&chargePointIds=B
    timeout = httpx.Timeout(PATIENCE, read=None)
    async with (
        httpx.AsyncClient(timeout=timeout) as client,
        client.stream("GET", f"{system.api_gateway}/api/v1/events", params=params) as response,
    ):
        assert response.status_code == 200, await response.aread()
        lines = response.aiter_lines()
        # The first line, once the watch covers every replica, is a KEEPALIVE.
        first = json.loads(await asyncio.wait_for(anext(lines), PATIENCE))
        assert first["kind"] == "KEEPALIVE", first
        yield EventStream(lines)


@asynccontextmanager
async def station(system: System, charge_point_id: str) -> AsyncIterator[ClientConnection]:
    """A raw 1.6 station through Envoy that has booted."""
    async with connect(
        f"{system.ocpp_url}/{charge_point_id}", subprotocols=[Subprotocol("ocpp1.6")]
    ) as ws:
        await ws.send(json.dumps([2, "boot-1", "BootNotification", BOOT]))
        assert json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))[0] == 3
        yield ws


def _summary(event: dict[str, Any]) -> tuple[str, str, str, str]:
    return (event["kind"], event["direction"], event["messageType"], event["action"])


async def test_a_station_connecting_booting_and_leaving_is_seen_live(system: System) -> None:
    async with events(system) as stream:
        async with station(system, "LIVE-1"):
            pass
        seen = await stream.until(4, "LIVE-1")
    assert [_summary(event) for event in seen] == [
        ("CONNECTED", "DIRECTION_UNSPECIFIED", "MESSAGE_TYPE_UNSPECIFIED", ""),
        ("MESSAGE", "IN", "CALL", "BootNotification"),
        ("MESSAGE", "OUT", "CALL_RESULT", "BootNotification"),
        ("DISCONNECTED", "DIRECTION_UNSPECIFIED", "MESSAGE_TYPE_UNSPECIFIED", ""),
    ]
    assert {event["ocppVersion"] for event in seen} == {"1.6"}
    holders = {event["replica"] for event in seen}
    assert len(holders) == 1  # one socket, one replica ("" without Redis)
    assert (holders != {""}) == (system.replicas > 1)


async def test_a_filtered_stream_sees_only_its_stations(system: System) -> None:
    async with events(system, "LIVE-B") as stream:
        # LIVE-A comes and goes first: its events would come before LIVE-B's leaving.
        async with station(system, "LIVE-A"):
            pass
        async with station(system, "LIVE-B"):
            pass
        seen = [await stream.next()]
        while seen[-1]["kind"] != "DISCONNECTED":
            seen.append(await stream.next())
    assert {event["chargePointId"] for event in seen} == {"LIVE-B"}
    assert [event["kind"] for event in seen] == ["CONNECTED", "MESSAGE", "MESSAGE", "DISCONNECTED"]


async def test_connections_answers_which_of_the_stations_asked_are_connected(
    system: System,
) -> None:
    async with (
        station(system, "LIVE-ON-1"),
        station(system, "LIVE-ON-2"),
        httpx.AsyncClient(timeout=PATIENCE) as client,
    ):
        reply = await client.get(
            f"{system.api_gateway}/api/v1/connections",
            params=[
                ("chargePointIds", "LIVE-ON-2"),
                ("chargePointIds", "LIVE-OFF"),
                ("chargePointIds", "LIVE-ON-1"),
            ],
        )
    assert reply.status_code == 200, reply.text
    assert [c["chargePointId"] for c in reply.json()["connections"]] == ["LIVE-ON-1", "LIVE-ON-2"]
