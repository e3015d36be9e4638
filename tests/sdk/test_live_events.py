"""csms_client's live events and filtered connections against a real edge (fake services
behind it) with a real WebSocket station."""

from __future__ import annotations

import asyncio

from csms.edge.v1.events_pb2 import FleetEvent
from csms_client import CsmsClient
from edge.server import RunningEdge
from tests.support.fake_services import edge, fakes
from tests.support.remote_station import PATIENCE, remote_station

__all__ = ["edge", "fakes"]


async def test_watch_events_yields_the_stations_events_and_stops_when_left(
    edge: RunningEdge,
) -> None:
    async with CsmsClient(edge=f"127.0.0.1:{edge.grpc_port}", timeout=5) as csms:
        events = csms.edge.watch_events(["CP-W"], keepalives=True)
        assert (await anext(events)).kind == FleetEvent.KEEPALIVE  # the watch is in place
        async with remote_station(edge, "CP-X"), remote_station(edge, "CP-W"):
            connected = await asyncio.wait_for(anext(events), PATIENCE)
            listed = await csms.edge.list_connections(["CP-W", "CP-Y"])
        await events.aclose()
    assert (connected.charge_point_id, connected.kind) == ("CP-W", FleetEvent.CONNECTED)
    assert [c.charge_point_id for c in listed] == ["CP-W"]
