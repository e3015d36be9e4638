"""A real OCPP 2.0.1 / 2.1 CSMS for the simulator's tests: the ``ocpp`` library's charge
point class on the CSMS side of a ``websockets`` server on port 0, validating every message
against the version's schemas. It answers what a station sends, records it in an
:class:`~tests.simulator.support.central_system.Inbox`, and can hold a station Pending until it has
sent its base report (GetBaseReport -> NotifyReport parts -> TriggerMessage Boot)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar, cast

from ocpp import v21, v201
from ocpp.charge_point import ChargePoint
from ocpp.routing import after as library_after
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from simulator.station import on
from tests.simulator.support.central_system import WAIT_SECONDS, Inbox, Received, now

Handler = TypeVar("Handler", bound=Callable[..., Any])
# Long enough that no heartbeat or Pending retry comes unless a test asks for it.
BOOT_INTERVAL = 3600
REPORT_REQUEST_ID = 7


def after(action: str) -> Callable[[Handler], Handler]:
    return cast(Callable[[Handler], Handler], library_after(action))


@dataclass
class Admission:
    """Whether the CSMS answers the first boot Pending and asks for the base report."""

    pending_first: bool = False
    rejected: bool = False
    invalid_tokens: set[str] = field(default_factory=set)


class CentralSystem(ChargePoint):  # type: ignore[misc]
    """The CSMS's side of one station connection, for the version of its subclass."""

    _call: ModuleType
    _call_result: ModuleType

    def __init__(
        self,
        charge_point_id: str,
        connection: Any,
        number: int,
        inbox: Inbox,
        admission: Admission,
    ) -> None:
        super().__init__(charge_point_id, connection)
        self.number = number
        self.inbox = inbox
        self.admission = admission
        self.tasks: set[asyncio.Task[Any]] = set()

    @property
    def calls(self) -> ModuleType:
        """The version's ``call`` module, for tests to build CSMS-initiated calls."""
        return self._call

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.inbox.add(Received(self.number, action, payload))

    def _later(self, work: Any) -> None:
        # A call from an ``after`` hook would block the reader that must read its answer.
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _pending(self) -> bool:
        return self.admission.pending_first and not any(
            m.action == "NotifyReport" and m.payload["tbc"] is False for m in self.inbox.messages
        )

    @on("BootNotification")
    def on_boot(self, **payload: Any) -> Any:
        self._record("BootNotification", payload)
        status = "Pending" if self._pending() else "Accepted"
        if self.admission.rejected:
            status = "Rejected"
        return self._call_result.BootNotification(
            current_time=now(), interval=BOOT_INTERVAL, status=status
        )

    @after("BootNotification")
    def after_boot(self, **payload: Any) -> None:
        boots = [m for m in self.inbox.messages if m.action == "BootNotification"]
        if self._pending() and len(boots) == 1:
            request = self._call.GetBaseReport(
                request_id=REPORT_REQUEST_ID, report_base="FullInventory"
            )
            self._later(self._ask(request))

    async def _ask(self, request: Any) -> None:
        # Recorded as sent before the call, so that what the station does next follows it.
        self._record(f"-> {type(request).__name__}", {})
        result = await self.call(request, suppress=False)
        self._record(f"{type(request).__name__}Response", {"status": result.status})

    @on("NotifyReport")
    def on_notify_report(self, **payload: Any) -> Any:
        self._record("NotifyReport", payload)
        return self._call_result.NotifyReport()

    @after("NotifyReport")
    def after_notify_report(self, **payload: Any) -> None:
        if self.admission.pending_first and payload["tbc"] is False:
            request = self._call.TriggerMessage(requested_message="BootNotification")
            self._later(self._ask(request))

    @on("Heartbeat")
    def on_heartbeat(self, **payload: Any) -> Any:
        self._record("Heartbeat", payload)
        return self._call_result.Heartbeat(current_time=now())

    @on("StatusNotification")
    def on_status(self, **payload: Any) -> Any:
        self._record("StatusNotification", payload)
        return self._call_result.StatusNotification()

    def _token(self, token: dict[str, Any]) -> dict[str, str]:
        invalid = token["id_token"] in self.admission.invalid_tokens
        return {"status": "Invalid" if invalid else "Accepted"}

    @on("Authorize")
    def on_authorize(self, **payload: Any) -> Any:
        self._record("Authorize", payload)
        return self._call_result.Authorize(id_token_info=self._token(payload["id_token"]))

    @on("TransactionEvent")
    def on_transaction_event(self, **payload: Any) -> Any:
        self._record("TransactionEvent", payload)
        token = payload.get("id_token")
        info = None if token is None else self._token(token)
        return self._call_result.TransactionEvent(id_token_info=info)

    @on("FirmwareStatusNotification")
    def on_firmware_status(self, **payload: Any) -> Any:
        self._record("FirmwareStatusNotification", payload)
        return self._call_result.FirmwareStatusNotification()

    @on("LogStatusNotification")
    def on_log_status(self, **payload: Any) -> Any:
        self._record("LogStatusNotification", payload)
        return self._call_result.LogStatusNotification()

    @on("PublishFirmwareStatusNotification")
    def on_publish_firmware_status(self, **payload: Any) -> Any:
        self._record("PublishFirmwareStatusNotification", payload)
        return self._call_result.PublishFirmwareStatusNotification()


class CentralSystemV201(CentralSystem):
    _call = v201.call
    _call_result = v201.call_result
    _ocpp_version = "2.0.1"


class CentralSystemV21(CentralSystem):
    _call = v21.call
    _call_result = v21.call_result
    _ocpp_version = "2.1"


# Per version: the WebSocket subprotocol and the CSMS class.
VERSIONS: dict[str, tuple[str, type[CentralSystem]]] = {
    "2.0.1": ("ocpp2.0.1", CentralSystemV201),
    "2.1": ("ocpp2.1", CentralSystemV21),
}


@dataclass
class RunningCsms:
    url: str
    inbox: Inbox
    admission: Admission
    connections: list[CentralSystem] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    async def connection(self, number: int) -> CentralSystem:
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
    version: str, admission: Admission | None = None
) -> AsyncIterator[RunningCsms]:
    subprotocol, kind = VERSIONS[version]
    inbox = Inbox()
    csms = RunningCsms("", inbox, admission or Admission())

    async def handle(connection: ServerConnection) -> None:
        assert connection.request is not None
        station = kind(
            connection.request.path.rsplit("/", 1)[-1],
            connection,
            len(csms.connections) + 1,
            inbox,
            csms.admission,
        )
        csms.connections.append(station)
        csms.connected.set()
        try:
            await station.start()
        except ConnectionClosed:
            return
        finally:
            for task in list(station.tasks):
                task.cancel()

    async with serve(handle, "127.0.0.1", 0, subprotocols=[Subprotocol(subprotocol)]) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        csms.url = f"ws://127.0.0.1:{port}/ocpp"
        yield csms
