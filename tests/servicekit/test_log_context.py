"""The log context: bound per task, restored after the block, and carried across gRPC to
the service that handles the call."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from csms.common.v1 import health_pb2 as csms_health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from edge.errors import invoke
from servicekit import log_context
from servicekit.channels import open_channel
from servicekit.grpc_server import Registration, start_server

SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"].full_name


def test_bind_adds_fields_and_the_block_end_restores_them() -> None:
    assert log_context.current() == {}
    with log_context.bind(charge_point_id="CP1"):
        with log_context.bind(message_id="1", action="Heartbeat"):
            assert log_context.current() == {
                "charge_point_id": "CP1",
                "message_id": "1",
                "action": "Heartbeat",
            }
        with log_context.bind(message_id="2", action=None):
            assert log_context.current() == {"charge_point_id": "CP1", "message_id": "2"}
        assert log_context.current() == {"charge_point_id": "CP1"}
    assert log_context.current() == {}


async def test_each_task_sees_its_own_station() -> None:
    seen: dict[str, Mapping[str, str]] = {}
    both_bound = asyncio.Barrier(2)

    async def station(name: str) -> None:
        with log_context.bind(charge_point_id=name):
            await both_bound.wait()
            child = asyncio.ensure_future(asyncio.sleep(0, log_context.current()))
            seen[name] = await child

    await asyncio.gather(station("CP1"), station("CP2"))
    assert seen == {"CP1": {"charge_point_id": "CP1"}, "CP2": {"charge_point_id": "CP2"}}


def test_metadata_round_trips_what_grpc_would_refuse() -> None:
    with log_context.bind(charge_point_id="CP/1", message_id="é\n 1", action="Heartbeat"):
        sent = log_context.metadata()
    assert all(value.isascii() and value.isprintable() for _, value in sent)
    assert log_context.from_metadata(sent) == {
        "charge_point_id": "CP/1",
        "message_id": "é\n 1",
        "action": "Heartbeat",
    }
    assert log_context.from_metadata([("other", "x"), ("csms-action", b"bin")]) == {}
    assert log_context.from_metadata(None) == {}


class Recording(edge_pb2_grpc.EdgeServiceServicer):
    """Remembers the log context each call ran in."""

    def __init__(self) -> None:
        self.contexts: list[Mapping[str, str]] = []

    async def GetHealth(self, request: Any, context: Any) -> csms_health_pb2.HealthReport:
        self.contexts.append(log_context.current())
        return csms_health_pb2.HealthReport(component="test", status="SERVING")


async def test_the_edge_context_reaches_the_servicer() -> None:
    servicer = Recording()
    running = await start_server(
        [Registration(servicer, edge_pb2_grpc.add_EdgeServiceServicer_to_server, SERVICE)],
        "127.0.0.1",
        0,
    )
    channel = open_channel(f"127.0.0.1:{running.port}")
    stub = edge_pb2_grpc.EdgeServiceStub(channel)
    try:
        with log_context.bind(charge_point_id="CP-ü", message_id="m 1", action="Heartbeat"):
            await invoke("test", stub.GetHealth, csms_health_pb2.GetHealthRequest(), 5.0)
        await invoke("test", stub.GetHealth, csms_health_pb2.GetHealthRequest(), 5.0)
    finally:
        await channel.close()
        await running.stop(0)
    assert servicer.contexts == [
        {"charge_point_id": "CP-ü", "message_id": "m 1", "action": "Heartbeat"},
        {},
    ]
