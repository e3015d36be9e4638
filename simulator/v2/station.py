"""One connection of the simulated OCPP 2.x station: the ``ocpp`` library's charge point
(framing, schema validation of every call and answer against the version's JSON schemas,
routing) plus what the handlers share.

The concrete stations set the library's version attributes (``_call``, ``_call_result``,
``_ocpp_version``) exactly as ``ocpp.v201.ChargePoint`` and ``ocpp.v21.ChargePoint`` do:
:mod:`simulator.station_v201`, :mod:`simulator.station_v21`.
"""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

from websockets.asyncio.client import ClientConnection

from simulator.connection import ConnectedStation
from simulator.uplink import Output
from simulator.v2.charger import Charger
from simulator.v2.device_model import VariableKey
from simulator.v2.state import StationState
from simulator.v2.uplink import UplinkV2

HEARTBEAT_INTERVAL = VariableKey("OCPPCommCtrlr", "HeartbeatInterval")
REPORT_ITEMS = VariableKey("DeviceDataCtrlr", "ItemsPerMessage", instance="GetReport")


class StationV2(ConnectedStation):
    _call: ModuleType
    _call_result: ModuleType

    charger: Charger

    def __init__(
        self,
        charge_point_id: str,
        connection: ClientConnection,
        state: StationState,
        interval: float,
        out: Output,
    ) -> None:
        super().__init__(charge_point_id, connection, interval, out)
        self.state = state
        self.uplink = UplinkV2(self._call, lambda r: self.call(r, suppress=False), out)
        self.charger = Charger(state, self.uplink, interval)
        # Set by TriggerMessage(BootNotification) while the CSMS keeps the station Pending.
        self.boot_requested = asyncio.Event()

    @property
    def results(self) -> ModuleType:
        """The version's ``call_result`` module: every answer is built from it."""
        return self._call_result

    async def boot(self, reason: str) -> Any:
        """A BootNotification; an Accepted answer's interval becomes the heartbeat interval
        (B01.FR.04)."""
        result = await self.uplink.boot(reason)
        if result.status == "Accepted":
            self.state.accepted = True
            self.state.device_model.adopt(HEARTBEAT_INTERVAL, str(result.interval))
            self.charger.heartbeat_changed.set()
        return result

    async def request_certificate(
        self, certificate_type: str | None = "ChargingStationCertificate"
    ) -> None:
        """A new key, then SignCertificate with its request (A02, A03)."""
        csr = self.state.certificates.signing_request(self.id)
        await self.uplink.sign_certificate(csr, certificate_type)

    async def send_report(self, request_id: int, data: list[dict[str, Any]]) -> None:
        """NotifyReport parts of at most DeviceDataCtrlr.ItemsPerMessage[GetReport]
        variables, ``tbc`` true on all but the last (B07, B08)."""
        size = int(self.state.device_model.value_of(REPORT_ITEMS))
        parts = [data[i : i + size] for i in range(0, len(data), size)] or [[]]
        for seq_no, part in enumerate(parts):
            await self.uplink.notify_report(request_id, seq_no, part, tbc=seq_no < len(parts) - 1)
