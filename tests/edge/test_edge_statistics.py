"""GetStatistics and ListServices over real gRPC, after real traffic on a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from csms.edge.v1 import edge_pb2, operations_pb2
from edge.server import RunningEdge
from tests.support.edges import start_edge
from tests.support.fake_services import Fakes, closed_address, settings_for
from tests.support.remote_station import PATIENCE, edge_stub, remote_station


async def refused_handshake(edge: RunningEdge) -> None:
    with pytest.raises(InvalidStatus):
        async with connect(
            f"ws://127.0.0.1:{edge.ws_port}/elsewhere/CP-1",
            subprotocols=[Subprotocol("ocpp1.6")],
        ):
            pass


async def test_statistics_count_exactly_what_happened(edge: RunningEdge) -> None:
    """One refused handshake; a station that sends a good CALL, a bad CALL and a bad
    frame; and two CSMS calls, one answered and one refused."""
    await refused_handshake(edge)
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        # remote_station sent a Heartbeat already.
        assert (await station.call("Authorize", {}))[2] == "ProtocolError"
        await station.connection.send("not json")
        assert (await station.receive())[2] == "FormationViolation"
        reset = asyncio.ensure_future(
            stub.Reset(
                operations_pb2.ResetRequest(
                    charge_point_id="CP-1", type=operations_pb2.ResetRequest.SOFT
                ),
                timeout=PATIENCE,
            )
        )
        await station.answer(await station.next_call(), {"status": "Accepted"})
        await reset
        clear = asyncio.ensure_future(
            stub.ClearCache(
                operations_pb2.ClearCacheRequest(charge_point_id="CP-1"), timeout=PATIENCE
            )
        )
        await station.refuse(await station.next_call(), "InternalError", "busy")
        with pytest.raises(grpc.aio.AioRpcError):
            await clear

        statistics = await stub.GetStatistics(edge_pb2.GetStatisticsRequest(), timeout=5)

        assert statistics.active_connections == 1
        assert dict(statistics.connections_by_version) == {"1.6": 1}
        assert (statistics.connections_opened, statistics.connections_closed) == (1, 0)
        assert statistics.handshakes_refused == 1
        assert (statistics.messages_received, statistics.messages_sent) == (5, 5)
        assert dict(statistics.call_errors_by_code) == {
            "ProtocolError": 1,
            "FormationViolation": 1,
        }
        assert statistics.error_rate == pytest.approx(2 / 3)
        assert [(a.direction, a.action, a.count, a.errors) for a in statistics.actions] == [
            ("received", "Authorize", 1, 1),
            ("received", "Heartbeat", 1, 0),
            ("sent", "ClearCache", 1, 1),
            ("sent", "Reset", 1, 0),
        ]
        for action in statistics.actions:
            assert 0 <= action.p50_ms <= action.p95_ms <= action.p99_ms <= action.max_ms
        assert (statistics.transactions_active, statistics.transactions_completed) == (2, 40)
        since = statistics.since.ToDatetime(tzinfo=UTC)
        assert since <= datetime.now(UTC)

    async def closed() -> edge_pb2.Statistics:
        while True:
            async with edge_stub(edge) as stub:
                figures = await stub.GetStatistics(edge_pb2.GetStatisticsRequest(), timeout=5)
            if figures.connections_closed:
                return figures
            await asyncio.sleep(0.01)

    after = await asyncio.wait_for(closed(), PATIENCE)
    assert (after.connections_closed, after.active_connections) == (1, 0)
    assert dict(after.connections_by_version) == {}


async def test_statistics_without_transaction_service_say_minus_one(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.failures["CountTransactions"] = (grpc.StatusCode.UNAVAILABLE, "down")
    async with edge_stub(edge) as stub:
        statistics = await stub.GetStatistics(edge_pb2.GetStatisticsRequest(), timeout=5)
    assert (statistics.transactions_active, statistics.transactions_completed) == (-1, -1)
    assert statistics.HasField("since")
    assert statistics.error_rate == 0


@pytest.fixture
async def edge_without_auth(fakes: Fakes, tmp_path: Path) -> AsyncIterator[RunningEdge]:
    settings = settings_for(tmp_path, fakes.address, CSMS_AUTH_ADDRESS=closed_address())
    running = await start_edge(settings)
    yield running
    await running.stop()


async def test_list_services_shows_a_service_that_is_down(
    edge_without_auth: RunningEdge, fakes: Fakes, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, fakes.address)
    async with edge_stub(edge_without_auth) as stub:
        listed = await stub.ListServices(edge_pb2.ListServicesRequest(), timeout=PATIENCE)
    services = [json_format.MessageToDict(s) for s in listed.services]
    assert [s["component"] for s in services] == ["edge", "chargepoint", "transaction", "auth"]
    edge, chargepoint, transaction, auth = listed.services
    assert (edge.status, edge.address) == ("SERVING", settings.network.edge_address)
    assert edge.version
    for service in (chargepoint, transaction):
        assert (service.status, service.address, service.version) == (
            "SERVING",
            fakes.address,
            "9.9.9",
        )
        assert service.detail == ""
    assert auth.status == "UNREACHABLE"
    assert auth.address != fakes.address
    assert auth.detail.startswith("UNAVAILABLE: ")
    assert sorted(m for m in fakes.recorder.methods() if m.startswith("GetHealth")) == [
        "GetHealth:chargepoint",
        "GetHealth:transaction",
    ]
