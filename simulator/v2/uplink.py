"""The messages an OCPP 2.x station sends to the CSMS, one printed line per exchange.

Printing and CALLERROR handling are the 1.6 simulator's :class:`~simulator.uplink.Uplink`;
the messages come from the version's ``call`` module (``ocpp.v201.call`` or
``ocpp.v21.call``), whose fields are the same for everything sent here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from simulator.uplink import POWER_W, Caller, Output, Uplink, now
from simulator.v2.state import CONNECTOR, Transaction

ID_TOKEN_TYPE = "ISO14443"
FIRMWARE_VERSION = "2.0.0"


def id_token(token: str, token_type: str = ID_TOKEN_TYPE) -> dict[str, str]:
    """IdTokenType: a card's UID unless the CSMS gave the token with another type."""
    return {"id_token": token, "type": token_type}


def meter_value(register_wh: int, context: str, power: bool) -> dict[str, Any]:
    """One ``MeterValueType`` (Part 2 §2.32): the energy register, and the power while
    charging."""
    values: list[dict[str, Any]] = [
        {
            "value": float(register_wh),
            "measurand": "Energy.Active.Import.Register",
            "context": context,
            "unit_of_measure": {"unit": "Wh"},
        }
    ]
    if power:
        values.append(
            {
                "value": POWER_W,
                "measurand": "Power.Active.Import",
                "context": context,
                "unit_of_measure": {"unit": "W"},
            }
        )
    return {"timestamp": now(), "sampled_value": values}


class UplinkV2:
    def __init__(self, calls: ModuleType, caller: Caller, out: Output) -> None:
        self.calls = calls
        self.link = Uplink(caller, out)

    async def boot(self, reason: str = "PowerUp") -> Any:
        station = {"model": "csms-sim", "vendor_name": "CSMS", "firmware_version": FIRMWARE_VERSION}
        request = self.calls.BootNotification(charging_station=station, reason=reason)
        return await self.link.send(
            request,
            f"reason={reason} vendor=CSMS model=csms-sim",
            lambda r: f"{r.status} interval={r.interval}",
        )

    async def heartbeat(self) -> None:
        await self.link.send(self.calls.Heartbeat(), "", lambda r: f"currentTime={r.current_time}")

    async def status(self, evse_id: int, status: str) -> None:
        request = self.calls.StatusNotification(
            timestamp=now(), connector_status=status, evse_id=evse_id, connector_id=CONNECTOR
        )
        await self.link.send(
            request, f"evseId={evse_id} connectorId={CONNECTOR} {status}", lambda _: "ok"
        )

    async def authorize(self, token: str, token_type: str = ID_TOKEN_TYPE) -> str:
        result = await self.link.send(
            self.calls.Authorize(id_token=id_token(token, token_type)),
            f"idToken={token}",
            lambda r: r.id_token_info["status"],
        )
        return str(result.id_token_info["status"])

    async def transaction_event(
        self,
        event_type: str,
        trigger: str,
        transaction: Transaction,
        register_wh: int,
        *,
        charging_state: str | None = None,
        stopped_reason: str | None = None,
        with_token: bool = False,
    ) -> str | None:
        """One TransactionEvent (E01-E15); the id token's status when the CSMS gives one."""
        context = {
            "Started": "Transaction.Begin",
            "Ended": "Transaction.End",
        }.get(event_type, "Sample.Periodic")
        info: dict[str, Any] = {"transaction_id": transaction.id}
        if charging_state is not None:
            info["charging_state"] = charging_state
        if stopped_reason is not None:
            info["stopped_reason"] = stopped_reason
        if transaction.remote_start_id is not None and event_type == "Started":
            info["remote_start_id"] = transaction.remote_start_id
        seq_no = next(transaction.seq_no)
        request = self.calls.TransactionEvent(
            event_type=event_type,
            timestamp=now(),
            trigger_reason=trigger,
            seq_no=seq_no,
            transaction_info=info,
            meter_value=[meter_value(register_wh, context, power=event_type == "Updated")],
            evse={"id": transaction.evse_id, "connector_id": CONNECTOR},
            id_token=id_token(transaction.id_token, transaction.id_token_type)
            if with_token
            else None,
            reservation_id=transaction.reservation_id if event_type == "Started" else None,
        )
        power = f" power={POWER_W:.0f}W" if event_type == "Updated" else ""
        ended = "" if stopped_reason is None else f" stoppedReason={stopped_reason}"
        result = await self.link.send(
            request,
            f"{event_type} transactionId={transaction.id} seqNo={seq_no} {trigger} "
            f"energy={register_wh}Wh{power}{ended}",
            lambda r: r.id_token_info["status"] if r.id_token_info else "ok",
        )
        return None if not result.id_token_info else str(result.id_token_info["status"])

    async def notify_report(
        self, request_id: int, seq_no: int, data: list[dict[str, Any]], tbc: bool
    ) -> None:
        request = self.calls.NotifyReport(
            request_id=request_id, generated_at=now(), seq_no=seq_no, report_data=data, tbc=tbc
        )
        await self.link.send(
            request,
            f"requestId={request_id} seqNo={seq_no} {len(data)} variables tbc={tbc}",
            lambda _: "ok",
        )

    async def firmware_status(self, status: str, request_id: int | None) -> None:
        request = self.calls.FirmwareStatusNotification(status=status, request_id=request_id)
        await self.link.send(request, status, lambda _: "ok")

    async def reservation_status(self, reservation_id: int, status: str) -> None:
        """ReservationStatusUpdate (H04): the station ended a reservation itself."""
        request = self.calls.ReservationStatusUpdate(
            reservation_id=reservation_id, reservation_update_status=status
        )
        await self.link.send(request, f"reservationId={reservation_id} {status}", lambda _: "ok")

    async def log_status(self, status: str, request_id: int | None) -> None:
        request = self.calls.LogStatusNotification(status=status, request_id=request_id)
        await self.link.send(request, status, lambda _: "ok")

    async def sign_certificate(
        self, csr: str, certificate_type: str | None = "ChargingStationCertificate"
    ) -> None:
        """SignCertificate for a charging station certificate (A02, A03), a V2G one, or
        (``certificate_type`` None) one for both uses: the CSMS's CertificateSigned
        follows an Accepted."""
        request = self.calls.SignCertificate(csr=csr, certificate_type=certificate_type)
        await self.link.send(request, f"csr=({len(csr)} characters)", lambda r: r.status)

    async def meter_values(self, evse_id: int, register_wh: int) -> None:
        """MeterValues of one EVSE's energy register, as triggered (F06: context Trigger)."""
        request = self.calls.MeterValues(
            evse_id=evse_id, meter_value=[meter_value(register_wh, "Trigger", power=False)]
        )
        await self.link.send(request, f"evseId={evse_id} energy={register_wh}Wh", lambda _: "ok")

    async def publish_firmware_status(self, status: str) -> None:
        request = self.calls.PublishFirmwareStatusNotification(status=status)
        await self.link.send(request, status, lambda _: "ok")

    async def data_transfer(self, vendor_id: str, message_id: str) -> None:
        request = self.calls.DataTransfer(vendor_id=vendor_id, message_id=message_id)
        await self.link.send(request, f"{vendor_id} {message_id}", lambda r: r.status)
