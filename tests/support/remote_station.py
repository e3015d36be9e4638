"""A raw OCPP-J 1.6 station for the EdgeService tests: it reads the CALLs the CSMS sends
and answers them frame by frame, so a test sees exactly what went over the wire."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from csms.edge.v1 import edge_pb2_grpc
from edge.server import RunningEdge

# Generous: only reached when the edge misbehaves, and then the test fails rather than hangs.
PATIENCE = 10.0


class RemoteStation:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.counter = 0

    async def receive(self) -> list[Any]:
        frame: list[Any] = json.loads(await asyncio.wait_for(self.connection.recv(), PATIENCE))
        return frame

    async def next_call(self) -> list[Any]:
        frame = await self.receive()
        assert frame[0] == 2, frame
        return frame

    async def answer(self, frame: list[Any], payload: dict[str, Any]) -> None:
        await self.connection.send(json.dumps([3, frame[1], payload]))

    async def refuse(
        self, frame: list[Any], code: str, description: str, details: dict[str, Any] | None = None
    ) -> None:
        await self.connection.send(json.dumps([4, frame[1], code, description, details or {}]))

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        """A CALL of the station's own; returns the next frame it receives."""
        self.counter += 1
        await self.connection.send(json.dumps([2, f"s{self.counter}", action, payload]))
        return await self.receive()


@asynccontextmanager
async def remote_station(edge: RunningEdge, charge_point_id: str) -> AsyncIterator[RemoteStation]:
    async with remote_station_at(f"ws://127.0.0.1:{edge.ws_port}/ocpp", charge_point_id) as station:
        yield station


@asynccontextmanager
async def remote_station_at(ocpp_url: str, charge_point_id: str) -> AsyncIterator[RemoteStation]:
    """:func:`remote_station` at any OCPP endpoint (``System.ocpp_url``: through Envoy)."""
    url = f"{ocpp_url}/{charge_point_id}"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as connection:
        station = RemoteStation(connection)
        # The handshake completes before the edge registers the session; a round trip
        # through the session proves it is registered.
        assert (await station.call("Heartbeat", {}))[0] == 3
        yield station


@asynccontextmanager
async def edge_stub(edge: RunningEdge) -> AsyncIterator[edge_pb2_grpc.EdgeServiceAsyncStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{edge.grpc_port}") as channel:
        yield edge_pb2_grpc.EdgeServiceStub(channel)


BOOT_V201 = {"reason": "PowerUp", "chargingStation": {"vendorName": "VendorX", "model": "ModelY"}}


@asynccontextmanager
async def remote_station_v2(
    edge: RunningEdge, charge_point_id: str, subprotocol: str = "ocpp2.0.1"
) -> AsyncIterator[RemoteStation]:
    """A raw OCPP-J 2.x station, booted (its BootNotification answered) so the session
    is registered."""
    url = f"ws://127.0.0.1:{edge.ws_port}/ocpp/{charge_point_id}"
    async with connect(url, subprotocols=[Subprotocol(subprotocol)]) as connection:
        station = RemoteStation(connection)
        assert (await station.call("BootNotification", BOOT_V201))[0] == 3
        yield station
