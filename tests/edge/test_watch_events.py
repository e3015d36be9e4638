"""WatchEvents and ListConnections' filter on a real edge, with real WebSocket stations and
a real gRPC client: a station's session and frames reach a watcher as they happen, filtered
by station; across two replicas sharing Redis, a watcher on either sees both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest

from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from csms.edge.v1.events_pb2 import FleetEvent, WatchEventsRequest
from edge.server import RunningEdge
from tests.edge.cluster.test_replicas import replicas
from tests.support.fake_services import Fakes
from tests.support.redis import RedisNamespace
from tests.support.remote_station import PATIENCE, edge_stub, remote_station
from tests.support.waiting import settled

BOOT = {"chargePointVendor": "V", "chargePointModel": "M"}
Summary = tuple[str, str, str, str, str]


class Watch:
    """A WatchEvents stream being read, its KEEPALIVEs skipped."""

    def __init__(self, stream: grpc.aio.UnaryStreamCall[WatchEventsRequest, FleetEvent]):
        self.stream = stream

    async def next(self) -> FleetEvent:
        while True:
            event = await _read(self.stream)
            if event.kind != FleetEvent.KEEPALIVE:
                return event

    async def connected(self) -> FleetEvent:
        """The next CONNECTED event, what comes before it skipped."""
        while True:
            event = await self.next()
            if event.kind == FleetEvent.CONNECTED:
                return event

    async def summaries(self, count: int) -> list[Summary]:
        return [_summary(await self.next()) for _ in range(count)]


async def _read(stream: grpc.aio.UnaryStreamCall[WatchEventsRequest, FleetEvent]) -> FleetEvent:
    event = await asyncio.wait_for(stream.read(), PATIENCE)
    assert isinstance(event, FleetEvent), event  # not the end of the stream
    return event


def _summary(event: FleetEvent) -> Summary:
    return (
        event.charge_point_id,
        FleetEvent.Kind.Name(event.kind),
        FleetEvent.Direction.Name(event.direction),
        FleetEvent.MessageType.Name(event.message_type),
        event.action,
    )


@asynccontextmanager
async def watching(edge: RunningEdge, *charge_point_ids: str) -> AsyncIterator[Watch]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{edge.grpc_port}") as channel:
        stream = edge_pb2_grpc.EdgeServiceStub(channel).WatchEvents(
            WatchEventsRequest(charge_point_ids=charge_point_ids)
        )
        first = await _read(stream)
        # The stream opens with a KEEPALIVE once the watch is in place.
        assert first.kind == FleetEvent.KEEPALIVE
        yield Watch(stream)
        stream.cancel()


async def test_a_station_session_and_frames_reach_a_watcher(edge: RunningEdge) -> None:
    async with watching(edge) as watch:
        async with remote_station(edge, "CP-1") as station:
            await station.call("BootNotification", BOOT)
        assert await watch.summaries(6) == [
            ("CP-1", "CONNECTED", "DIRECTION_UNSPECIFIED", "MESSAGE_TYPE_UNSPECIFIED", ""),
            ("CP-1", "MESSAGE", "IN", "CALL", "Heartbeat"),
            ("CP-1", "MESSAGE", "OUT", "CALL_RESULT", "Heartbeat"),
            ("CP-1", "MESSAGE", "IN", "CALL", "BootNotification"),
            ("CP-1", "MESSAGE", "OUT", "CALL_RESULT", "BootNotification"),
            ("CP-1", "DISCONNECTED", "DIRECTION_UNSPECIFIED", "MESSAGE_TYPE_UNSPECIFIED", ""),
        ]

    async def unwatched() -> bool | None:
        return edge.events.watchers == 0 or None

    await settled(unwatched, within=PATIENCE, what="the stream's end removes its watcher")


async def test_a_filtered_watch_sees_only_its_stations(edge: RunningEdge) -> None:
    async with watching(edge, "CP-B") as watch:
        async with remote_station(edge, "CP-A"), remote_station(edge, "CP-B"):
            pass
        events = await watch.summaries(4)
    assert {cp for cp, *_ in events} == {"CP-B"}
    assert [kind for _, kind, *_ in events] == ["CONNECTED", "MESSAGE", "MESSAGE", "DISCONNECTED"]


async def test_an_older_socket_closing_after_a_reconnection_names_its_own_connection(
    edge: RunningEdge,
) -> None:
    async with watching(edge, "CP-R") as watch, remote_station(edge, "CP-R"):
        first = await watch.connected()
        async with remote_station(edge, "CP-R"):
            second = await watch.connected()
            while (old := await watch.next()).kind != FleetEvent.DISCONNECTED:
                pass
    assert first.connection_id and second.connection_id != first.connection_id
    # The station stays connected: the socket that closed is the older one.
    assert old.connection_id == first.connection_id


async def test_connections_filtered_to_the_stations_asked(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-A"), remote_station(edge, "CP-C"), edge_stub(edge) as stub:
        asked = edge_pb2.ListConnectionsRequest(charge_point_ids=["CP-C", "CP-B", "CP-A"])
        listed = await stub.ListConnections(asked)
        every = await stub.ListConnections(edge_pb2.ListConnectionsRequest())
    assert [c.charge_point_id for c in listed.connections] == ["CP-A", "CP-C"]
    assert len(every.connections) == 2


@pytest.mark.parametrize("watched", [0, 1])
async def test_a_watcher_on_either_replica_sees_the_stations_of_both(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path, watched: int
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as edges,
        watching(edges[watched]) as watch,
    ):
        async with remote_station(edges[0], "CP-0"):
            first = await watch.connected()
        async with remote_station(edges[1], "CP-1"):
            second = await watch.connected()
    assert (first.charge_point_id, first.kind) == ("CP-0", FleetEvent.CONNECTED)
    assert first.replica == edges[0].replica.id  # type: ignore[union-attr]
    assert (second.charge_point_id, second.kind) == ("CP-1", FleetEvent.CONNECTED)
    assert second.replica == edges[1].replica.id  # type: ignore[union-attr]


async def test_the_filter_of_connections_works_across_replicas(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (first, second),
        remote_station(first, "CP-A"),
        remote_station(second, "CP-B"),
        edge_stub(first) as stub,
    ):
        asked = edge_pb2.ListConnectionsRequest(charge_point_ids=["CP-B", "CP-X"])
        listed = await stub.ListConnections(asked)
    assert [(c.charge_point_id, c.replica) for c in listed.connections] == [
        ("CP-B", second.replica.id)  # type: ignore[union-attr]
    ]
