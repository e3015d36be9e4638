"""Run one component in this process until SIGINT or SIGTERM (what a container runs).

The composition root of each process: besides the component itself it builds the
process's Prometheus metrics (:mod:`servicekit.metrics`), installs them for the
component's run and serves them on ``settings.observability.metrics_port_of(name)``,
unless ``CSMS_METRICS_PORT`` is 0 (then nothing is measured at all). It holds the whole
settings object and hands each component only its parts (the table is in
:mod:`servicekit.settings`). An edge replica of
``csms up`` is told its own base (``CSMS_METRICS_PORT`` + its index, as with its other
ports; :func:`launcher.supervisor.edge_replicas`), so it always serves on the edge's
offset of that base.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from typing import Protocol

from servicekit import metrics as process_metrics
from servicekit.metrics import ProcessMetrics
from servicekit.observability_settings import METRICS_OFFSETS
from servicekit.settings import Settings

LOG = logging.getLogger(__name__)


class Running(Protocol):
    async def stop(self) -> None: ...


async def _start(name: str, settings: Settings) -> tuple[Running, str]:
    """Start the named component; return it and a line saying where it listens."""
    network, storage = settings.network, settings.storage
    host = network.internal_host
    if name == "edge":
        from edge import server as edge_server

        edge = await edge_server.start(
            network,
            settings.cluster,
            settings.security,
            settings.addresses,
            settings.observability,
        )
        installed = process_metrics.current()
        if installed is not None:
            from edge.version_table import SUPPORTED_VERSIONS

            installed.watch_connections(
                lambda: Counter(session.version.name for session in edge.registry.list()),
                [version.name for version in SUPPORTED_VERSIONS],
            )
        return edge, (
            f"edge: OCPP WebSocket on {host}:{edge.ws_port}, "
            f"EdgeService gRPC on {host}:{edge.grpc_port}"
        )
    if name == "chargepoint":
        from chargepoint_svc import server as chargepoint_server

        service: Running = await chargepoint_server.start(network, storage, settings.charge_points)
        return service, f"chargepoint_svc: gRPC on {host}:{network.chargepoint_grpc_port}"
    if name == "transaction":
        from transaction_svc import server as transaction_server

        service = await transaction_server.start(network, storage)
        return service, f"transaction_svc: gRPC on {host}:{network.transaction_grpc_port}"
    if name == "auth":
        from auth_svc import server as auth_server

        service = await auth_server.start(network, storage, settings.security)
        return service, f"auth_svc: gRPC on {host}:{network.auth_grpc_port}"
    if name == "console":
        from console import server as console_server

        console = await console_server.start(settings.console)
        return console, f"console: HTTP on {settings.console.host}:{console.port}"
    raise ValueError(f"unknown component {name!r}")


COMPONENTS = ("chargepoint", "transaction", "auth", "edge")


async def run(
    name: str, settings: Settings, ready: Callable[[str], Awaitable[None]] | None = None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # The console serves no /metrics of its own: what it does is the API's traffic.
    port = settings.observability.metrics_port_of(name) if name in METRICS_OFFSETS else 0
    with ExitStack() as scope:
        endpoint: process_metrics.MetricsEndpoint | None = None
        if port:
            metrics = scope.enter_context(process_metrics.installed(ProcessMetrics(name)))
            # Before the component: a port taken fails the start with nothing to undo.
            endpoint = process_metrics.serve(metrics, settings.network.internal_host, port)
        try:
            component, where = await _start(name, settings)
        except BaseException:
            if endpoint is not None:
                await endpoint.stop()
            raise
        if endpoint is not None:
            where += f", /metrics on {settings.network.internal_host}:{endpoint.port}"
        LOG.info("%s", where)
        if ready is not None:
            await ready(where)
        await stop.wait()
        LOG.info("stopping %s", name)
        await component.stop()
        if endpoint is not None:
            await endpoint.stop()
