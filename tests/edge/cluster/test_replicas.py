"""Edge replicas sharing their connection registry in the machine's Redis: two real edges
(real WebSockets, real gRPC between them), operations routed to the replica that holds
the socket, newest connection wins across replicas, routes of a dead replica expire."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
import redis.asyncio as redis
from google.protobuf import json_format
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from websockets.exceptions import ConnectionClosed

from csms.edge.v1 import edge_pb2, operations_pb2
from edge.cluster.directory import RedisDirectory
from edge.server import RunningEdge
from tests.support.edges import start_edge
from tests.support.fake_services import Fakes, settings_for
from tests.support.ports import free_port
from tests.support.redis import RedisNamespace
from tests.support.redis_server import private_redis
from tests.support.remote_station import PATIENCE, RemoteStation, edge_stub, remote_station
from tests.support.waiting import settled

RESET_CP1 = operations_pb2.ResetRequest(
    charge_point_id="CP-1", type=operations_pb2.ResetRequest.SOFT
)


@asynccontextmanager
async def replicas(
    tmp_path: Path, fakes: Fakes, redis: RedisNamespace, count: int = 2, lease: str = "3"
) -> AsyncIterator[list[RunningEdge]]:
    settings = settings_for(
        tmp_path,
        fakes.address,
        CSMS_REDIS_URL=redis.url,
        CSMS_REDIS_PREFIX=redis.prefix,
        CSMS_EDGE_LEASE=lease,
    )
    edges = [await start_edge(settings) for _ in range(count)]
    try:
        yield edges
    finally:
        for edge in edges:
            await edge.stop()


async def reset_answered(
    stub: Any, station: RemoteStation, status: str
) -> operations_pb2.ResetResponse:
    """Reset CP-1 through ``stub``; the station (wherever it is connected) answers ``status``."""
    pending = asyncio.ensure_future(stub.Reset(RESET_CP1, timeout=PATIENCE))
    frame = await station.next_call()
    assert frame[2:] == ["Reset", {"type": "Soft"}]
    await station.answer(frame, {"status": status})
    response: operations_pb2.ResetResponse = await pending
    return response


async def test_an_operation_sent_to_any_replica_reaches_the_socket_and_answers(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (holder, other),
        remote_station(holder, "CP-1") as station,
        edge_stub(other) as stub,
    ):
        answer = await reset_answered(stub, station, "Accepted")
        assert answer.status == operations_pb2.OperationStatus.ACCEPTED

        # The generic Send travels the same way.
        pending_send = asyncio.ensure_future(
            stub.Send(
                edge_pb2.SendRequest(
                    charge_point_id="CP-1",
                    action="ClearCache",
                    payload=json_format.ParseDict({}, edge_pb2.SendRequest().payload),
                ),
                timeout=PATIENCE,
            )
        )
        frame = await station.next_call()
        assert frame[2] == "ClearCache"
        await station.answer(frame, {"status": "Rejected"})
        sent = await pending_send
        assert json_format.MessageToDict(sent.result) == {"status": "Rejected"}


async def test_a_station_call_error_comes_back_through_the_other_replica_with_its_details(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (holder, other),
        remote_station(holder, "CP-1") as station,
        edge_stub(other) as stub,
    ):
        pending = asyncio.ensure_future(stub.Reset(RESET_CP1, timeout=PATIENCE))
        frame = await station.next_call()
        await station.refuse(frame, "InternalError", "relay board offline")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await pending
    error = raised.value
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "relay board offline" in (error.details() or "")
    status = rpc_status.from_call(error)
    assert status is not None
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert (info.reason, info.metadata["code"]) == ("OCPP_CALL_ERROR", "InternalError")


async def test_connections_lists_every_replicas_sockets_from_either_replica(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (first, second),
        remote_station(first, "CP-A"),
        remote_station(second, "CP-B"),
    ):
        for edge in (first, second):
            async with edge_stub(edge) as stub:
                listed = await stub.ListConnections(edge_pb2.ListConnectionsRequest())
            by_id = {c.charge_point_id: c for c in listed.connections}
            assert sorted(by_id) == ["CP-A", "CP-B"]
            assert by_id["CP-A"].replica == first.replica.id  # type: ignore[union-attr]
            assert by_id["CP-B"].replica == second.replica.id  # type: ignore[union-attr]
            assert by_id["CP-A"].replica_address.endswith(f":{first.grpc_port}")
            assert by_id["CP-A"].ocpp_version == "1.6"


async def test_a_charge_point_nowhere_connected_is_not_found_on_any_replica(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with replicas(tmp_path, fakes, redis_space) as (first, _), edge_stub(first) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.Reset(RESET_CP1, timeout=PATIENCE)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "CP-1" in (raised.value.details() or "")


async def test_reconnecting_to_another_replica_closes_the_stale_socket_and_moves_the_route(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (first, second),
        remote_station(first, "CP-1") as old,
        remote_station(second, "CP-1") as new,
        edge_stub(first) as stub,
    ):
        # The old socket is closed by its replica: "replaced by a newer connection".
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(old.connection.recv(), PATIENCE)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1000
        assert "newer connection" in closed.value.rcvd.reason

        async def old_session_gone() -> bool:
            return first.registry.get("CP-1") is None

        await settled(old_session_gone, what="the old session to end")

        # An operation sent to the first replica now reaches the new socket.
        answer = await reset_answered(stub, new, "Accepted")
        assert answer.status == operations_pb2.OperationStatus.ACCEPTED
        listed = await stub.ListConnections(edge_pb2.ListConnectionsRequest())
        assert [(c.charge_point_id, c.replica) for c in listed.connections] == [
            ("CP-1", second.replica.id)  # type: ignore[union-attr]
        ]


async def test_request_ids_of_two_replicas_never_repeat(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with replicas(tmp_path, fakes, redis_space) as (first, second):
        taken = [next(e.replica.request_ids) for e in (first, second) for _ in range(50)]  # type: ignore[union-attr]
    assert len(set(taken)) == len(taken)


def _edge_process(
    tmp_path: Path, fakes: Fakes, redis: RedisNamespace, lease: str
) -> tuple[subprocess.Popen[bytes], int, int]:
    ws_port, grpc_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSMS_")}
    env.update(
        {
            "CSMS_DATA_DIR": str(tmp_path),
            "CSMS_INTERNAL_HOST": "127.0.0.1",
            "CSMS_CHARGEPOINT_ADDRESS": fakes.address,
            "CSMS_TRANSACTION_ADDRESS": fakes.address,
            "CSMS_AUTH_ADDRESS": fakes.address,
            "CSMS_EDGE_WS_PORT": str(ws_port),
            "CSMS_EDGE_GRPC_PORT": str(grpc_port),
            "CSMS_REDIS_URL": redis.url,
            "CSMS_REDIS_PREFIX": redis.prefix,
            "CSMS_EDGE_LEASE": lease,
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher.cli", "edge"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "edge.log").open("wb"),
    )
    return process, ws_port, grpc_port


async def test_the_routes_of_a_replica_that_dies_expire_within_its_lease(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    """A replica killed with SIGKILL cannot clean up: its routes must expire by lease."""
    process, ws_port, _ = _edge_process(tmp_path, fakes, redis_space, lease="3")
    directory = RedisDirectory(redis_space.url, redis_space.prefix, 3)
    # The test's own view of the route's key, to hold its lease still while it asks.
    route_key = f"{redis_space.prefix}:edge:route:CP-DOOMED"
    client = redis.Redis.from_url(redis_space.url)
    try:
        async with replicas(tmp_path, fakes, redis_space, count=1, lease="3") as (survivor,):
            held: list[bool] = []

            async def connected() -> bool:
                try:
                    async with remote_station(_AtPort(ws_port), "CP-DOOMED"):  # type: ignore[arg-type]
                        await asyncio.sleep(0)
                        process.send_signal(signal.SIGKILL)
                        process.wait(10)
                        # Stop the lease's clock (PERSIST is true only for a key with a TTL:
                        # the route was leased), so what follows cannot race it.
                        held.append(bool(await client.persist(route_key)))
                        return True
                except OSError:
                    return False

            # The edge may still be starting: retry the connection until it answers.
            await settled(connected, what="the edge subprocess to accept a station")
            assert held == [True], "the dead replica's route had no lease to hold"
            async with edge_stub(survivor) as stub:
                # While the lease runs, the route names the dead replica: a clear UNAVAILABLE.
                with pytest.raises(grpc.aio.AioRpcError) as raised:
                    await stub.Reset(
                        RESET_CP1.__class__(charge_point_id="CP-DOOMED"), timeout=PATIENCE
                    )
                assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
                assert "does not answer" in (raised.value.details() or "")
                # Give the lease back (a lease's worth), and nobody renews it.
                assert await client.pexpire(route_key, 3000)

                async def route_gone() -> bool:
                    return await directory.lookup("CP-DOOMED") is None

                await settled(route_gone, within=15, what="the dead replica's route to expire")
                with pytest.raises(grpc.aio.AioRpcError) as raised:
                    await stub.Reset(
                        RESET_CP1.__class__(charge_point_id="CP-DOOMED"), timeout=PATIENCE
                    )
                assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        await directory.close()
        await client.aclose()


class _AtPort:
    """What remote_station needs of a RunningEdge: its WebSocket port."""

    def __init__(self, ws_port: int) -> None:
        self.ws_port = ws_port


async def test_redis_briefly_unavailable_gives_clear_errors_and_recovers_by_itself(
    fakes: Fakes, tmp_path: Path
) -> None:
    with private_redis(tmp_path) as server:
        own = RedisNamespace(server.url, "csms")
        async with (
            replicas(tmp_path, fakes, own, lease="2") as (holder, other),
            remote_station(holder, "CP-1") as station,
            edge_stub(holder) as local,
            edge_stub(other) as remote,
        ):
            server.stop()
            # The replica holding the socket still serves it.
            answer = await reset_answered(local, station, "Accepted")
            assert answer.status == operations_pb2.OperationStatus.ACCEPTED
            # The other cannot know where CP-1 is: UNAVAILABLE, naming Redis.
            for call in (
                remote.Reset(RESET_CP1, timeout=PATIENCE),
                remote.ListConnections(edge_pb2.ListConnectionsRequest(), timeout=PATIENCE),
            ):
                with pytest.raises(grpc.aio.AioRpcError) as raised:
                    await call
                assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
                assert "connection registry (Redis" in (raised.value.details() or "")
            # A station connecting meanwhile is served, and registered once Redis is back.
            async with remote_station(other, "CP-2") as newcomer:
                assert (await newcomer.call("Heartbeat", {}))[0] == 3
                server.start()  # empty, as after a Redis restart

                async def both_routed() -> bool:
                    try:
                        listed = await remote.ListConnections(
                            edge_pb2.ListConnectionsRequest(), timeout=PATIENCE
                        )
                    except grpc.aio.AioRpcError:
                        return False
                    return sorted(c.charge_point_id for c in listed.connections) == [
                        "CP-1",
                        "CP-2",
                    ]

                await settled(both_routed, what="the replicas to register their sockets again")
            answer = await reset_answered(remote, station, "Rejected")
            assert answer.status == operations_pb2.OperationStatus.REJECTED


async def test_statistics_and_services_cover_every_replica(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (first, second),
        remote_station(first, "CP-A"),
        remote_station(second, "CP-B") as b,
        edge_stub(first) as stub,
    ):
        assert (await b.call("Heartbeat", {}))[0] == 3

        async def both_replicas_live() -> edge_pb2.Statistics | None:
            figures = await stub.GetStatistics(edge_pb2.GetStatisticsRequest())
            return figures if figures.replicas == 2 else None

        figures = await settled(both_replicas_live, what="both replicas' heartbeats")
        assert figures.active_connections == 2
        assert figures.connections_by_version == {"1.6": 2}
        # remote_station's own Heartbeat on each, and the extra one on B.
        heartbeats = {(a.action, a.direction): a.count for a in figures.actions}
        assert heartbeats[("Heartbeat", "received")] == 3
        assert figures.calls_received == 3

        services = await stub.ListServices(edge_pb2.ListServicesRequest())
        edges = [s for s in services.services if s.component == "edge"]
        assert sorted(s.address.rpartition(":")[2] for s in edges) == sorted(
            [str(first.grpc_port), str(second.grpc_port)]
        )
        assert {s.status for s in edges} == {"SERVING"}
