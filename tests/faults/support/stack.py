"""The parts of a CSMS the fault tests run, on free ports of this machine: the real auth
and transaction services and real edges in this process, and the transaction service as
its own process (``csms transaction``) for a test to kill. The charge point service is
left out: the messages these tests send never reach it; a stand-in only admits every
charge point at the WebSocket handshake (``CheckAdmission``).

Also what the transaction service's database holds (:func:`stored`), read with plain SQL
so that no cache of the service's can hide a duplicate.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import Row, select

from auth_svc import server as auth_server
from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from edge.server import RunningEdge
from servicekit.database import create_engine
from servicekit.migrations import upgrade
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.support.databases import sqlite_url
from tests.support.edges import start_edge
from tests.support.ports import free_port
from tests.support.settings import with_network
from transaction_svc import server as transaction_server
from transaction_svc.adapters import tables

# The deadline of calls between components: short, so that a test waits little for an
# outage to be answered.
GRPC_TIMEOUT = 2.0


async def until(probe: Callable[[], bool], *, within: float = 20.0, what: str = "") -> None:
    """Wait (without blocking the event loop) until ``probe()`` is true; ``within`` bounds
    the wait so that a broken system fails the test instead of hanging it."""
    for _ in range(int(within / 0.01)):
        if probe():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"gave up waiting for {what or probe}")


def closed_address() -> str:
    return f"127.0.0.1:{free_port()}"


def environment(tmp_path: Path, transaction_url: str, **overrides: str) -> dict[str, str]:
    """The settings' environment: each service on a port of its own, the charge point
    service and the edge's gRPC (only reservations use it) at addresses nobody serves."""
    env = {
        "CSMS_DATA_DIR": str(tmp_path),
        "CSMS_INTERNAL_HOST": "127.0.0.1",
        "CSMS_TRANSACTION_DATABASE_URL": transaction_url,
        "CSMS_AUTH_DATABASE_URL": sqlite_url(tmp_path, "auth"),
        "CSMS_TRANSACTION_GRPC_PORT": str(free_port()),
        "CSMS_AUTH_GRPC_PORT": str(free_port()),
        "CSMS_CHARGEPOINT_ADDRESS": closed_address(),
        "CSMS_EDGE_ADDRESS": closed_address(),
        "CSMS_GRPC_TIMEOUT": str(GRPC_TIMEOUT),
        "LOG_LEVEL": "INFO",
    }
    env.update(overrides)
    return env


# Every id tag of the fault tests expires then and belongs to this group, so that the
# idTagInfo a station receives has every field a repeated answer must give again.
TAG_EXPIRY = datetime(2099, 1, 1, tzinfo=UTC)
TAG_GROUP = "FAULT-GROUP"


@asynccontextmanager
async def auth_service(settings: Settings, id_tags: Sequence[str]) -> AsyncIterator[None]:
    """The real auth service, its id tags Accepted (one open transaction each)."""
    await asyncio.to_thread(upgrade, "auth", settings.storage.auth_database_url)
    running = await auth_server.start(settings.network, settings.storage, settings.security)
    try:
        async with grpc.aio.insecure_channel(settings.network.auth_address) as channel:
            stub = auth_pb2_grpc.AuthServiceStub(channel)
            for id_tag in id_tags:
                tag = auth_pb2.IdTag(
                    id_tag=id_tag,
                    status=auth_pb2.IdTokenInfo.ACCEPTED,
                    expires_at=to_timestamp(TAG_EXPIRY),
                    parent_id_tag=TAG_GROUP,
                )
                await stub.CreateIdTag(
                    auth_pb2.CreateIdTagRequest(id_tag=tag), timeout=GRPC_TIMEOUT
                )
        yield
    finally:
        await running.stop()


@asynccontextmanager
async def transaction_service(
    settings: Settings,
) -> AsyncIterator[transaction_server.RunningService]:
    """The real transaction service in this process (migrate its database first)."""
    running = await transaction_server.start(settings.network, settings.storage)
    try:
        yield running
    finally:
        await running.stop()


class _AdmittingChargePoints(chargepoint_pb2_grpc.ChargePointServiceServicer):
    async def CheckAdmission(
        self,
        request: chargepoint_pb2.CheckAdmissionRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> chargepoint_pb2.CheckAdmissionResponse:
        return chargepoint_pb2.CheckAdmissionResponse(
            admitted=True, registered=True, registration_status=chargepoint_pb2.ChargePoint.ACCEPTED
        )


@asynccontextmanager
async def admitting_chargepoint_service() -> AsyncIterator[str]:
    """A ChargePointService that admits every charge point; yields its ``host:port``."""
    server = grpc.aio.server()
    chargepoint_pb2_grpc.add_ChargePointServiceServicer_to_server(
        _AdmittingChargePoints(),  # type: ignore[abstract]  # the handshake's call only
        server,
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(0)


@asynccontextmanager
async def edges(settings: Settings, count: int) -> AsyncIterator[list[RunningEdge]]:
    """``count`` edges sharing the services (replicas without Redis: the messages of
    stations need no registry shared between them)."""
    async with AsyncExitStack() as stack:
        admission = await stack.enter_async_context(admitting_chargepoint_service())
        settings = with_network(settings, chargepoint_address=admission)
        running: list[RunningEdge] = []
        for _ in range(count):
            edge = await start_edge(settings)
            stack.push_async_callback(edge.stop)
            running.append(edge)
        yield running


async def migrate_transaction(url: str) -> None:
    await asyncio.to_thread(upgrade, "transaction", url)


@dataclass
class ServiceProcess:
    """``csms transaction`` as a child process, on the port its environment names."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.env['CSMS_TRANSACTION_GRPC_PORT']}"

    async def start(self) -> None:
        """Start it and wait until it serves."""
        self.starts += 1
        self.process = await asyncio.to_thread(self._spawn)
        await self.wait_serving()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as sink:
            return subprocess.Popen(
                [sys.executable, "-m", "launcher.cli", "transaction"],
                env={**os.environ, **self.env},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    async def wait_serving(self, within: float = 20.0) -> None:
        async with grpc.aio.insecure_channel(self.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = asyncio.get_running_loop().time() + within
            while True:
                assert self.process is not None and self.process.poll() is None, self.output()
                try:
                    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=0.5)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.aio.AioRpcError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"the transaction service did not serve:\n{self.output()}")
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no grace, calls in flight and their database transactions cut off."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass(frozen=True)
class Stored:
    """The rows of the transaction service's tables, by id."""

    transactions: list[Row[Any]]
    meter_values: list[Row[Any]]
    transaction_events: list[Row[Any]]
    meter_reports: list[Row[Any]]
    orphan_reports: list[Row[Any]]

    def samples_of(self, transaction_id: int) -> list[Row[Any]]:
        return [row for row in self.meter_values if row.transaction_id == transaction_id]

    def events_of(self, transaction_id: int) -> list[Row[Any]]:
        return [row for row in self.transaction_events if row.transaction_id == transaction_id]


async def stored(url: str) -> Stored:
    engine = create_engine(url, "transaction")
    try:
        async with engine.connect() as connection:

            async def rows(table: Any) -> list[Row[Any]]:
                return list(await connection.execute(select(table).order_by(table.c.id)))

            return Stored(
                transactions=await rows(tables.transactions),
                meter_values=await rows(tables.meter_values),
                transaction_events=await rows(tables.transaction_events),
                meter_reports=await rows(tables.meter_reports),
                orphan_reports=await rows(tables.orphan_reports),
            )
    finally:
        await engine.dispose()
