"""What a load station sends as an OCPP 2.0.1 or 2.1 charging station (the messages
used here have the same fields in both), and what it reads back: one method per step of
:func:`simulator.load.station.run`. A transaction is reported with TransactionEvents
(OCPP 2.0.1 E01-E07): Started, Updated with each meter value, Ended."""

from __future__ import annotations

import uuid
from typing import Any

from simulator.load.moment import now
from simulator.load.wire import Caller

EVSE = 1
CONNECTOR = 1
ID_TOKEN_TYPE = "ISO14443"
ENERGY = "Energy.Active.Import.Register"
# Part 2 §2.1 ConnectorStatusEnumType has no Charging: a charging connector is Occupied.
STATUS = {"Available": "Available", "Charging": "Occupied"}


class StationV2:
    start_action = "TransactionEvent"

    def __init__(self, subprotocol: str) -> None:
        self.subprotocol = subprotocol
        self.transaction_id: str | None = None
        self.seq_no = 0

    async def boot(self, wire: Caller) -> tuple[str, int]:
        """BootNotification (B01): the registration status and the heartbeat interval."""
        answer = await wire.call(
            "BootNotification",
            {
                "reason": "PowerUp",
                "chargingStation": {"vendorName": "csms-sim", "model": "load"},
            },
        )
        return str(answer.get("status")), int(answer.get("interval", 0))

    async def report(self, wire: Caller, status: str) -> None:
        await wire.call(
            "StatusNotification",
            {
                "timestamp": now(),
                "connectorStatus": STATUS.get(status, status),
                "evseId": EVSE,
                "connectorId": CONNECTOR,
            },
        )

    async def heartbeat(self, wire: Caller) -> None:
        await wire.call("Heartbeat", {})

    async def authorize(self, wire: Caller, id_tag: str) -> str:
        answer = await wire.call("Authorize", {"idToken": _token(id_tag)})
        return _status(answer, "Accepted")

    async def start(self, wire: Caller, id_tag: str, register_wh: int) -> str:
        """TransactionEvent Started; the station names the transaction (E01)."""
        self.transaction_id = uuid.uuid4().hex
        self.seq_no = 0
        answer = await self._event(
            wire, "Started", "Authorized", register_wh, "Transaction.Begin", id_tag=id_tag
        )
        return _status(answer, "Accepted")

    async def meter(self, wire: Caller, register_wh: int) -> None:
        await self._event(wire, "Updated", "MeterValuePeriodic", register_wh, "Sample.Periodic")

    async def stop(self, wire: Caller, id_tag: str, register_wh: int) -> None:
        await self._event(
            wire, "Ended", "StopAuthorized", register_wh, "Transaction.End", id_tag=id_tag
        )
        self.transaction_id = None

    async def _event(
        self,
        wire: Caller,
        event_type: str,
        trigger: str,
        register_wh: int,
        context: str,
        *,
        id_tag: str | None = None,
    ) -> dict[str, Any]:
        """One TransactionEvent with the energy register as its meter value (E01-E07)."""
        info: dict[str, Any] = {"transactionId": self.transaction_id or ""}
        if event_type == "Ended":
            info["stoppedReason"] = "Local"
        else:
            info["chargingState"] = "Charging"
        sample = {"value": register_wh, "context": context, "measurand": ENERGY}
        payload: dict[str, Any] = {
            "eventType": event_type,
            "timestamp": now(),
            "triggerReason": trigger,
            "seqNo": self.seq_no,
            "transactionInfo": info,
            "evse": {"id": EVSE, "connectorId": CONNECTOR},
            "meterValue": [{"timestamp": now(), "sampledValue": [sample]}],
        }
        if id_tag is not None:
            payload["idToken"] = _token(id_tag)
        self.seq_no += 1
        return await wire.call("TransactionEvent", payload)


def _token(id_tag: str) -> dict[str, str]:
    return {"idToken": id_tag, "type": ID_TOKEN_TYPE}


def _status(answer: dict[str, Any], absent: str) -> str:
    """The idTokenInfo status; ``absent`` when the answer has none (optional in
    TransactionEventResponse)."""
    info = answer.get("idTokenInfo")
    return str(info.get("status")) if isinstance(info, dict) else absent
