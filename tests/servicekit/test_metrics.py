"""servicekit.metrics: what the gRPC server and client interceptors and the database error
hook record, the /metrics endpoint, and that nothing is measured unless installed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import IntegrityError, OperationalError

from csms.common.v1 import health_pb2 as csms_health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from servicekit import errors, metrics
from servicekit.channels import open_channel
from servicekit.grpc_server import Registration, start_server
from tests.support.waiting import settled

SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"].full_name


class Raising(edge_pb2_grpc.EdgeServiceServicer):
    def __init__(self) -> None:
        self.error: BaseException | None = None

    async def GetHealth(self, request: Any, context: Any) -> csms_health_pb2.HealthReport:
        if self.error is not None:
            raise self.error
        return csms_health_pb2.HealthReport(component="test", status="SERVING")


Served = tuple[Raising, edge_pb2_grpc.EdgeServiceStub, metrics.ProcessMetrics]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """A server and a channel built while a process's metrics are installed."""
    process = metrics.ProcessMetrics("edge")
    servicer = Raising()
    with metrics.installed(process):
        running = await start_server(
            [Registration(servicer, edge_pb2_grpc.add_EdgeServiceServicer_to_server, SERVICE)],
            "127.0.0.1",
            0,
        )
        channel = open_channel(f"127.0.0.1:{running.port}")
    yield servicer, edge_pb2_grpc.EdgeServiceStub(channel), process
    await channel.close()
    await running.stop(0)


def _count(process: metrics.ProcessMetrics, name: str, **labels: str) -> float:
    return process.registry.get_sample_value(f"{name}_count", labels) or 0.0


def _get_health_count(process: metrics.ProcessMetrics, side: str, code: str) -> float:
    return _count(
        process,
        f"csms_grpc_{side}_handling_seconds",
        service=SERVICE,
        method="GetHealth",
        code=code,
    )


async def _recorded(process: metrics.ProcessMetrics, code: str, count: int) -> None:
    """Until the server side has recorded ``count`` GetHealth calls ending ``code``: the
    client has its answer once the status is sent, a moment before the server's interceptor
    records the call."""

    async def probe() -> bool:
        return _get_health_count(process, "server", code) == count

    await settled(probe, within=10, what=f"{count} server-side GetHealth {code} record(s)")


async def test_calls_are_timed_by_method_and_status_on_both_sides(served: Served) -> None:
    servicer, stub, process = served
    await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    servicer.error = errors.NotFound("no such thing")
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    await _recorded(process, "OK", 2)
    await _recorded(process, "NOT_FOUND", 1)
    assert _get_health_count(process, "client", "OK") == 2
    assert _get_health_count(process, "client", "NOT_FOUND") == 1


async def test_an_unexpected_exception_is_timed_as_unknown(served: Served) -> None:
    servicer, stub, process = served
    servicer.error = ValueError("a bug")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    assert raised.value.code() == grpc.StatusCode.UNKNOWN
    await _recorded(process, "UNKNOWN", 1)
    assert _get_health_count(process, "client", "UNKNOWN") == 1


async def test_database_failures_are_counted_by_service_and_kind(served: Served) -> None:
    servicer, stub, process = served
    servicer.error = OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    for _ in range(2):
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    servicer.error = IntegrityError("INSERT", {}, Exception("duplicate key"))
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.GetHealth(csms_health_pb2.GetHealthRequest())

    def errors_of(kind: str) -> float | None:
        return process.registry.get_sample_value(
            "csms_database_errors_total", {"service": "edge", "kind": kind}
        )

    assert errors_of("unavailable") == 2
    assert errors_of("refused") == 1
    await _recorded(process, "UNAVAILABLE", 2)
    await _recorded(process, "INTERNAL", 1)


async def test_without_installed_metrics_nothing_is_measured() -> None:
    assert metrics.current() is None
    process = metrics.ProcessMetrics("edge")
    running = await start_server(
        [Registration(Raising(), edge_pb2_grpc.add_EdgeServiceServicer_to_server, SERVICE)],
        "127.0.0.1",
        0,
    )
    channel = open_channel(f"127.0.0.1:{running.port}")
    try:
        await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(csms_health_pb2.GetHealthRequest())
    finally:
        await channel.close()
        await running.stop(0)
    assert _get_health_count(process, "server", "OK") == 0


def test_installing_lasts_for_the_block() -> None:
    process = metrics.ProcessMetrics("auth")
    with metrics.installed(process):
        assert metrics.current() is process
    assert metrics.current() is None


async def test_the_endpoint_serves_the_process_registry(served: Served) -> None:
    _servicer, stub, process = served
    await stub.GetHealth(csms_health_pb2.GetHealthRequest())
    endpoint = metrics.serve(process, "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://127.0.0.1:{endpoint.port}/metrics")
    finally:
        await endpoint.stop()
    assert answer.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(answer.text)}
    histogram = families["csms_grpc_server_handling_seconds"]
    counts = [s for s in histogram.samples if s.name.endswith("_count")]
    assert [(s.labels["method"], s.labels["code"], s.value) for s in counts] == [
        ("GetHealth", "OK", 1.0)
    ]
    # Nothing of prometheus-client's global default registry (process, platform, gc).
    assert "process_cpu_seconds" not in families


async def test_active_connections_are_read_on_the_loop_at_each_scrape() -> None:
    process = metrics.ProcessMetrics("edge")
    live = {"1.6": 2}
    process.watch_connections(lambda: dict(live), ["1.6", "2.0.1", "2.1"])

    def gauge() -> dict[str, float]:
        return {
            sample.labels["version"]: sample.value
            for family in process.registry.collect()
            if family.name == "csms_ocpp_connections_active"
            for sample in family.samples
        }

    # A scrape runs in the endpoint's thread, while this loop is free to answer it.
    assert await asyncio.to_thread(gauge) == {"1.6": 2, "2.0.1": 0, "2.1": 0}
    live["2.1"] = 1
    assert (await asyncio.to_thread(gauge))["2.1"] == 1


def test_a_second_edge_registration_is_the_same_metrics() -> None:
    process = metrics.ProcessMetrics("edge")
    assert process.ocpp() is process.ocpp()
