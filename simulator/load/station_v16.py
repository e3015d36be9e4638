"""What a load station sends as an OCPP 1.6J charge point, and what it reads back: one
method per step of :func:`simulator.load.station.run`. The payloads are the smallest the
1.6 JSON schemas accept plus the fields a real charge point sends (OCPP 1.6 §4, §6)."""

from __future__ import annotations

from typing import Any

from simulator.load.moment import now
from simulator.load.wire import Caller

SUBPROTOCOL = "ocpp1.6"
CONNECTOR = 1


class StationV16:
    subprotocol = SUBPROTOCOL
    start_action = "StartTransaction"

    def __init__(self) -> None:
        self.transaction_id: int | None = None

    async def boot(self, wire: Caller) -> tuple[str, int]:
        """BootNotification (§4.2): the registration status and the heartbeat interval."""
        answer = await wire.call(
            "BootNotification",
            {"chargePointVendor": "csms-sim", "chargePointModel": "load", "firmwareVersion": "1"},
        )
        return str(answer.get("status")), int(answer.get("interval", 0))

    async def report(self, wire: Caller, status: str) -> None:
        """StatusNotification of the connector (§4.9); ``status`` Available or Charging."""
        await wire.call(
            "StatusNotification",
            {
                "connectorId": CONNECTOR,
                "errorCode": "NoError",
                "status": status,
                "timestamp": now(),
            },
        )

    async def heartbeat(self, wire: Caller) -> None:
        await wire.call("Heartbeat", {})

    async def authorize(self, wire: Caller, id_tag: str) -> str:
        answer = await wire.call("Authorize", {"idTag": id_tag})
        return _status(answer)

    async def start(self, wire: Caller, id_tag: str, register_wh: int) -> str:
        """StartTransaction (§4.8); the CSMS's transactionId is kept for what follows."""
        answer = await wire.call(
            "StartTransaction",
            {
                "connectorId": CONNECTOR,
                "idTag": id_tag,
                "meterStart": register_wh,
                "timestamp": now(),
            },
        )
        self.transaction_id = int(answer.get("transactionId", 0))
        return _status(answer)

    async def meter(self, wire: Caller, register_wh: int) -> None:
        """MeterValues of the running transaction (§4.7)."""
        sample = {
            "timestamp": now(),
            "sampledValue": [
                {
                    "value": str(register_wh),
                    "context": "Sample.Periodic",
                    "measurand": "Energy.Active.Import.Register",
                    "unit": "Wh",
                }
            ],
        }
        payload: dict[str, Any] = {"connectorId": CONNECTOR, "meterValue": [sample]}
        if self.transaction_id is not None:
            payload["transactionId"] = self.transaction_id
        await wire.call("MeterValues", payload)

    async def stop(self, wire: Caller, id_tag: str, register_wh: int) -> None:
        """StopTransaction (§4.10) of the transaction :meth:`start` began."""
        await wire.call(
            "StopTransaction",
            {
                "transactionId": self.transaction_id or 0,
                "idTag": id_tag,
                "meterStop": register_wh,
                "timestamp": now(),
                "reason": "Local",
            },
        )
        self.transaction_id = None


def _status(answer: dict[str, Any]) -> str:
    info = answer.get("idTagInfo")
    return str(info.get("status")) if isinstance(info, dict) else "?"
