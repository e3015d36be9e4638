"""OCPP 2.x TriggerMessage (F06): the station answers, then sends the message asked for,
for the EVSE and connector named; the same for 2.0.1 and 2.1 (whose schema adds
SignV2G20Certificate and CustomTrigger)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from simulator.station import on
from simulator.v2.state import CONNECTOR
from simulator.v2.station import StationV2

Sender = Callable[[], Coroutine[Any, Any, None]]

VENDOR_ID = "csms-sim"
# The custom triggers (2.1 F06, customTrigger) this station knows: its vendor DataTransfer.
CUSTOM_DATA_TRANSFER = "DataTransfer"
# Nothing is being published to local controllers (L03): a triggered status says Idle.
PUBLISH_IDLE = "Idle"


class TriggerHandlers(StationV2):
    @on("TriggerMessage")
    def on_trigger_message(self, **payload: Any) -> Any:
        """F06: Accepted, then the requested message. BootNotification only while the CSMS
        has not accepted the station (F06.FR.17: Rejected after an Accepted boot);
        Rejected for an EVSE or connector it does not have, or a TransactionEvent
        without a transaction there; NotImplemented for a message (or custom trigger) it
        cannot send."""
        requested = payload["requested_message"]
        evse = payload.get("evse") or {}
        evse_id, connector_id = evse.get("id"), evse.get("connector_id")
        if requested == "BootNotification":
            status = "Rejected" if self.state.accepted else "Accepted"
            if status == "Accepted":
                self.state.boot_reason = "Triggered"
                self.boot_requested.set()
            return self._answer(payload, status)
        sender = self._senders(evse_id, payload.get("custom_trigger")).get(requested)
        if sender is None:
            return self._answer(payload, "NotImplemented")
        if evse_id is not None and evse_id not in self.state.evses:
            return self._answer(payload, "Rejected")
        # Each EVSE of this station has one connector.
        if connector_id not in (None, CONNECTOR):
            return self._answer(payload, "Rejected")
        if requested == "TransactionEvent" and not self._transactions(evse_id):
            return self._answer(payload, "Rejected")
        self.after_answer(f"triggered {requested}", sender())
        return self._answer(payload, "Accepted")

    def _answer(self, payload: dict[str, Any], status: str) -> Any:
        answer = self.results.TriggerMessage(status=status)
        return self.heard("TriggerMessage", payload, answer, status)

    def _senders(self, evse_id: int | None, custom: str | None) -> dict[str, Sender]:
        uplink = self.uplink
        senders: dict[str, Sender] = {
            "Heartbeat": uplink.heartbeat,
            "StatusNotification": lambda: self._statuses(evse_id),
            "MeterValues": lambda: self._meter_values(evse_id),
            "TransactionEvent": lambda: self._transaction_events(evse_id),
            "FirmwareStatusNotification": lambda: uplink.firmware_status(self.state.firmware, None),
            "LogStatusNotification": lambda: uplink.log_status(self.state.log, None),
            "PublishFirmwareStatusNotification": lambda: uplink.publish_firmware_status(
                PUBLISH_IDLE
            ),
            # A03: SignCertificate of the certificate type asked; a combined certificate
            # (for both uses) is asked with certificateType omitted.
            "SignChargingStationCertificate": self.request_certificate,
            "SignV2GCertificate": lambda: self.request_certificate("V2GCertificate"),
            "SignV2G20Certificate": lambda: self.request_certificate("V2G20Certificate"),
            "SignCombinedCertificate": lambda: self.request_certificate(None),
        }
        if custom == CUSTOM_DATA_TRANSFER:
            senders["CustomTrigger"] = lambda: uplink.data_transfer(VENDOR_ID, "Triggered")
        return senders

    def _transactions(self, evse_id: int | None) -> list[Any]:
        return [
            transaction
            for transaction in self.state.transactions.values()
            if evse_id in (None, transaction.evse_id)
        ]

    async def _statuses(self, evse_id: int | None) -> None:
        for evse in self.state.evses.values():
            if evse_id in (None, evse.id):
                await self.uplink.status(evse.id, evse.status)

    async def _meter_values(self, evse_id: int | None) -> None:
        for evse in self.state.evses.values():
            if evse_id in (None, evse.id):
                await self.uplink.meter_values(evse.id, evse.register_wh)

    async def _transaction_events(self, evse_id: int | None) -> None:
        for transaction in self._transactions(evse_id):
            register = self.state.evses[transaction.evse_id].register_wh
            await self.uplink.transaction_event("Updated", "Trigger", transaction, register)
