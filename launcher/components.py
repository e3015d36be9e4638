"""Run one component in this process until SIGINT or SIGTERM (what a container runs)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

from servicekit.settings import Settings

LOG = logging.getLogger(__name__)


class Running(Protocol):
    async def stop(self) -> None: ...


async def _start(name: str, settings: Settings) -> tuple[Running, str]:
    """Start the named component; return it and a line saying where it listens."""
    host = settings.internal_host
    if name == "edge":
        from edge import server as edge_server

        edge = await edge_server.start(settings)
        return edge, (
            f"edge: OCPP WebSocket on {host}:{edge.ws_port}, "
            f"EdgeService gRPC on {host}:{edge.grpc_port}"
        )
    if name == "chargepoint":
        from chargepoint_svc import server as chargepoint_server

        service: Running = await chargepoint_server.start(settings)
        return service, f"chargepoint_svc: gRPC on {host}:{settings.chargepoint_grpc_port}"
    if name == "transaction":
        from transaction_svc import server as transaction_server

        service = await transaction_server.start(settings)
        return service, f"transaction_svc: gRPC on {host}:{settings.transaction_grpc_port}"
    if name == "auth":
        from auth_svc import server as auth_server

        service = await auth_server.start(settings)
        return service, f"auth_svc: gRPC on {host}:{settings.auth_grpc_port}"
    raise ValueError(f"unknown component {name!r}")


COMPONENTS = ("chargepoint", "transaction", "auth", "edge")


async def run(
    name: str, settings: Settings, ready: Callable[[str], Awaitable[None]] | None = None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    component, where = await _start(name, settings)
    LOG.info("%s", where)
    if ready is not None:
        await ready(where)
    await stop.wait()
    LOG.info("stopping %s", name)
    await component.stop()
