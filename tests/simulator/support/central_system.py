"""A real OCPP 1.6J central system for the simulator's tests: the ``ocpp`` library's
``ChargePoint`` on the CSMS side of a ``websockets`` server on port 0. It answers what a
station sends, records it, and lets a test send CSMS-initiated calls and wait for what
follows them (events, no sleeps)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from simulator.station import on

# Long enough that no heartbeat comes unless a test changes HeartbeatInterval.
BOOT_INTERVAL = 3600
WAIT_SECONDS = 10


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Received:
    connection: int
    action: str
    payload: dict[str, Any]


@dataclass
class Inbox:
    """Everything stations sent; :meth:`expect` hands each message out once, in order."""

    messages: list[Received] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, message: Received) -> None:
        self.messages.append(message)
        self.changed.set()

    async def expect(self, action: str, **fields: Any) -> dict[str, Any]:
        """The next message of ``action`` whose payload has ``fields`` (snake_case)."""
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                for index, message in enumerate(self.messages):
                    if (
                        index not in self.taken
                        and message.action == action
                        and all(message.payload.get(k) == v for k, v in fields.items())
                    ):
                        self.taken.add(index)
                        return message.payload
                self.changed.clear()
                await self.changed.wait()

    def take_all(self) -> None:
        """Let :meth:`expect` see only what arrives from now on."""
        self.taken.update(range(len(self.messages)))

    def actions(self, connection: int | None = None) -> list[str]:
        return [m.action for m in self.messages if connection is None or m.connection == connection]


@dataclass
class Lines:
    """The simulator's printed lines, with a wait for one to appear."""

    lines: list[str] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        self.changed.set()

    async def wait_for(self, text: str, count: int = 1) -> None:
        async with asyncio.timeout(WAIT_SECONDS):
            while sum(text in line for line in self.lines) < count:
                self.changed.clear()
                await self.changed.wait()


class CentralSystem(ChargePoint):  # type: ignore[misc]
    """The CSMS's side of one station connection."""

    def __init__(self, charge_point_id: str, connection: Any, number: int, inbox: Inbox) -> None:
        super().__init__(charge_point_id, connection)
        self.number = number
        self.inbox = inbox
        self.transaction_ids = itertools.count(100)
        self.invalid_tags: set[str] = set()

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.inbox.add(Received(self.number, action, payload))

    @on(Action.boot_notification)
    def on_boot(self, **payload: Any) -> call_result.BootNotification:
        self._record("BootNotification", payload)
        return call_result.BootNotification(now(), BOOT_INTERVAL, "Accepted")

    @on(Action.heartbeat)
    def on_heartbeat(self, **payload: Any) -> call_result.Heartbeat:
        self._record("Heartbeat", payload)
        return call_result.Heartbeat(now())

    @on(Action.status_notification)
    def on_status(self, **payload: Any) -> call_result.StatusNotification:
        self._record("StatusNotification", payload)
        return call_result.StatusNotification()

    def _tag(self, id_tag: str) -> dict[str, str]:
        return {"status": "Invalid" if id_tag in self.invalid_tags else "Accepted"}

    @on(Action.authorize)
    def on_authorize(self, **payload: Any) -> call_result.Authorize:
        self._record("Authorize", payload)
        return call_result.Authorize(self._tag(payload["id_tag"]))

    @on(Action.start_transaction)
    def on_start(self, **payload: Any) -> call_result.StartTransaction:
        transaction_id = next(self.transaction_ids)
        # Recorded with the id this CSMS gave, for tests to follow the transaction.
        self._record("StartTransaction", {**payload, "transaction_id": transaction_id})
        return call_result.StartTransaction(transaction_id, self._tag(payload["id_tag"]))

    @on(Action.stop_transaction)
    def on_stop(self, **payload: Any) -> call_result.StopTransaction:
        self._record("StopTransaction", payload)
        return call_result.StopTransaction({"status": "Accepted"})

    @on(Action.meter_values)
    def on_meter_values(self, **payload: Any) -> call_result.MeterValues:
        self._record("MeterValues", payload)
        return call_result.MeterValues()

    @on(Action.firmware_status_notification)
    def on_firmware_status(self, **payload: Any) -> call_result.FirmwareStatusNotification:
        self._record("FirmwareStatusNotification", payload)
        return call_result.FirmwareStatusNotification()

    @on("SignedFirmwareStatusNotification")
    def on_signed_firmware_status(
        self, **payload: Any
    ) -> call_result.SignedFirmwareStatusNotification:
        self._record("SignedFirmwareStatusNotification", payload)
        return call_result.SignedFirmwareStatusNotification()

    @on("SignCertificate")
    def on_sign_certificate(self, **payload: Any) -> call_result.SignCertificate:
        self._record("SignCertificate", payload)
        return call_result.SignCertificate("Accepted")

    @on(Action.diagnostics_status_notification)
    def on_diagnostics_status(self, **payload: Any) -> call_result.DiagnosticsStatusNotification:
        self._record("DiagnosticsStatusNotification", payload)
        return call_result.DiagnosticsStatusNotification()


@dataclass
class RunningCsms:
    url: str
    inbox: Inbox
    connections: list[CentralSystem] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    async def connection(self, number: int = 1) -> CentralSystem:
        """The ``number``-th station connection, once it is open."""
        async with asyncio.timeout(WAIT_SECONDS):
            while len(self.connections) < number:
                self.connected.clear()
                await self.connected.wait()
        return self.connections[number - 1]

    @property
    def station(self) -> CentralSystem:
        return self.connections[-1]


@asynccontextmanager
async def central_system(
    on_connect: Callable[[CentralSystem], None] = lambda _: None,
) -> AsyncIterator[RunningCsms]:
    inbox = Inbox()
    csms_ref: list[RunningCsms] = []

    async def handle(connection: ServerConnection) -> None:
        assert connection.request is not None
        csms = csms_ref[0]
        station = CentralSystem(
            connection.request.path.rsplit("/", 1)[-1], connection, len(csms.connections) + 1, inbox
        )
        on_connect(station)
        csms.connections.append(station)
        csms.connected.set()
        try:
            await station.start()
        except ConnectionClosed:
            return

    async with serve(handle, "127.0.0.1", 0, subprotocols=[Subprotocol("ocpp1.6")]) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        csms = RunningCsms(f"ws://127.0.0.1:{port}/ocpp", inbox)
        csms_ref.append(csms)
        yield csms
