"""The health of every component as the edge sees it, for ``GET /services``.

Each component is asked its ``GetHealth`` with a short deadline, all at once, so one
component that hangs costs the answer at most that deadline and the others still show.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from csms.common.v1 import health_pb2
from csms.edge.v1 import edge_pb2

UNREACHABLE = "UNREACHABLE"

# The longest wait for one component's health.
HEALTH_TIMEOUT = 2.0


@dataclass(frozen=True)
class Component:
    """A component the edge can ask: its name, its configured address, and its stub's
    ``GetHealth``."""

    name: str
    address: str
    get_health: grpc.aio.UnaryUnaryMultiCallable[
        health_pb2.GetHealthRequest, health_pb2.HealthReport
    ]


async def probe(component: Component, seconds: float) -> edge_pb2.ServiceStatus:
    """One component's status; UNREACHABLE with the gRPC error when it does not answer."""
    try:
        report = await component.get_health(health_pb2.GetHealthRequest(), timeout=seconds)
    except grpc.aio.AioRpcError as error:
        return edge_pb2.ServiceStatus(
            component=component.name,
            address=component.address,
            status=UNREACHABLE,
            detail=f"{error.code().name}: {error.details() or 'no details'}",
        )
    detail = "" if report.status == "SERVING" else f"{component.name} reports {report.status}"
    return edge_pb2.ServiceStatus(
        component=component.name,
        address=component.address,
        status=report.status,
        version=report.version,
        detail=detail,
    )


async def probe_all(
    components: Sequence[Component], seconds: float
) -> list[edge_pb2.ServiceStatus]:
    """Every component's status, asked concurrently, in the order given."""
    return list(await asyncio.gather(*(probe(c, seconds) for c in components)))
