"""One connection of the simulated OCPP 2.x station: the ``ocpp`` library's charge point
(framing, schema validation of every call and answer against the version's JSON schemas,
routing) plus what the handlers share.

The concrete stations set the library's version attributes (``_call``, ``_call_result``,
``_ocpp_version``) exactly as ``ocpp.v201.ChargePoint`` and ``ocpp.v21.ChargePoint`` do:
:mod:`simulator.station_v201`, :mod:`simulator.station_v21`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from types import ModuleType
from typing import Any, TypeVar

from ocpp.charge_point import ChargePoint
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from simulator.background import Background
from simulator.errors import ConnectionLost
from simulator.station import Reboot, Station
from simulator.uplink import Output
from simulator.v2.charger import Charger
from simulator.v2.device_model import VariableKey
from simulator.v2.state import StationState
from simulator.v2.uplink import UplinkV2

Result = TypeVar("Result")
Answer = TypeVar("Answer")
HEARTBEAT_INTERVAL = VariableKey("OCPPCommCtrlr", "HeartbeatInterval")
REPORT_ITEMS = VariableKey("DeviceDataCtrlr", "ItemsPerMessage", instance="GetReport")


class StationV2(ChargePoint):  # type: ignore[misc]
    _call: ModuleType
    _call_result: ModuleType

    def __init__(
        self,
        charge_point_id: str,
        connection: ClientConnection,
        state: StationState,
        interval: float,
        out: Output,
    ) -> None:
        super().__init__(charge_point_id, connection)
        self.state = state
        self.interval = interval
        self.out = out
        self.uplink = UplinkV2(self._call, lambda r: self.call(r, suppress=False), out)
        self.charger = Charger(state, self.uplink, interval)
        self.background = Background(out)
        self.rebooting = False
        # Set by TriggerMessage(BootNotification) while the CSMS keeps the station Pending.
        self.boot_requested = asyncio.Event()
        self._follow_ups: list[tuple[str, Coroutine[Any, Any, None]]] = []

    @property
    def results(self) -> ModuleType:
        """The version's ``call_result`` module: every answer is built from it."""
        return self._call_result

    # The 1.6 station's printing and follow-up rules apply unchanged.
    heard = Station.heard
    after_answer = Station.after_answer

    async def route_message(self, raw_msg: str) -> None:
        await super().route_message(raw_msg)
        follow_ups, self._follow_ups = self._follow_ups, []
        for name, work in follow_ups:
            self.background.spawn(work, name)

    async def reboot(self, reason: str) -> None:
        """Stop every transaction with ``reason``, then close the socket; the caller of
        :meth:`serve` connects again and boots (B11, B12)."""
        await self.charger.stop_all(reason)
        self.rebooting = True
        self.out(f"rebooting ({reason})")
        await self._connection.close()

    async def serve(self, work: Awaitable[Result]) -> Result | Reboot:
        """Run ``work`` while reading the socket, as :meth:`simulator.station.Station.serve`."""
        reader = asyncio.ensure_future(self.start())
        job = asyncio.ensure_future(work)
        failure = asyncio.ensure_future(self.background.failure())
        try:
            await asyncio.wait([reader, job, failure], return_when=asyncio.FIRST_COMPLETED)
            if failure.done():
                failure.result()
            if job.done() and not self.rebooting:
                return job.result()
            if self.rebooting:
                return Reboot.REQUESTED
            closed = reader.exception()
            detail = f": {closed}" if isinstance(closed, ConnectionClosed) else ""
            raise ConnectionLost(f"the CSMS closed the connection{detail}")
        finally:
            for pending in (job, reader, failure):
                pending.cancel()
            await asyncio.gather(job, reader, failure, return_exceptions=True)
            await self.background.close()

    async def boot(self, reason: str) -> Any:
        """A BootNotification; an Accepted answer's interval becomes the heartbeat interval
        (B01.FR.04)."""
        result = await self.uplink.boot(reason)
        if result.status == "Accepted":
            self.state.accepted = True
            self.state.device_model.adopt(HEARTBEAT_INTERVAL, str(result.interval))
            self.charger.heartbeat_changed.set()
        return result

    async def send_report(self, request_id: int, data: list[dict[str, Any]]) -> None:
        """NotifyReport parts of at most DeviceDataCtrlr.ItemsPerMessage[GetReport]
        variables, ``tbc`` true on all but the last (B07, B08)."""
        size = int(self.state.device_model.value_of(REPORT_ITEMS))
        parts = [data[i : i + size] for i in range(0, len(data), size)] or [[]]
        for seq_no, part in enumerate(parts):
            await self.uplink.notify_report(request_id, seq_no, part, tbc=seq_no < len(parts) - 1)
