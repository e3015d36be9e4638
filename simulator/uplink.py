"""The messages an OCPP 1.6 charge point sends to the CSMS, one printed line per exchange."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from ocpp.exceptions import OCPPError, UnknownCallErrorCodeError
from ocpp.v16 import call

from simulator.errors import CallFailed

Output = Callable[[str], None]
Caller = Callable[[Any], Awaitable[Any]]
POWER_W = 11000.0


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def energy_sample(register_wh: int, context: str, power: bool) -> dict[str, Any]:
    """One MeterValue (§7.29): the energy register, and the power while charging."""
    values = [
        {
            "value": str(register_wh),
            "measurand": "Energy.Active.Import.Register",
            "unit": "Wh",
            "context": context,
        }
    ]
    if power:
        values.append(
            {
                "value": f"{POWER_W:.1f}",
                "measurand": "Power.Active.Import",
                "unit": "W",
                "context": context,
            }
        )
    return {"timestamp": now(), "sampledValue": values}


class Uplink:
    """Sends one call at a time (the library's lock) and prints ``-> Action ... <- answer``."""

    def __init__(self, caller: Caller, out: Output) -> None:
        self._call = caller
        self.out = out

    async def send(self, request: Any, sent: str, answered: Callable[[Any], str]) -> Any:
        """The answer, or :class:`CallFailed` with the line when there is none."""
        action = type(request).__name__
        try:
            result = await self._call(request)
        except OCPPError as error:
            raise CallFailed(
                f"-> {action} {sent} <- CALLERROR {error.code}: {error.description}"
            ) from None
        except UnknownCallErrorCodeError as error:
            raise CallFailed(f"-> {action} {sent} <- {error}") from None
        except TimeoutError:
            raise CallFailed(f"-> {action} {sent} <- no answer in time") from None
        self.out(f"-> {action} {sent} <- {answered(result)}".replace("  ", " "))
        return result

    async def boot(self) -> Any:
        request = call.BootNotification(
            charge_point_model="csms-sim", charge_point_vendor="CSMS", firmware_version="1.0"
        )
        return await self.send(
            request, "vendor=CSMS model=csms-sim", lambda r: f"{r.status} interval={r.interval}"
        )

    async def heartbeat(self) -> None:
        await self.send(call.Heartbeat(), "", lambda r: f"currentTime={r.current_time}")

    async def status(self, connector: int, status: str) -> None:
        await self.send(
            call.StatusNotification(
                connector_id=connector, error_code="NoError", status=status, timestamp=now()
            ),
            f"connectorId={connector} {status}",
            lambda _: "ok",
        )

    async def authorize(self, id_tag: str) -> str:
        result = await self.send(
            call.Authorize(id_tag=id_tag), f"idTag={id_tag}", lambda r: r.id_tag_info["status"]
        )
        return str(result.id_tag_info["status"])

    async def start(
        self, connector: int, id_tag: str, meter_start: int, reservation_id: int | None
    ) -> tuple[int, str]:
        """StartTransaction: the transaction id and the id tag's status."""
        reserved = "" if reservation_id is None else f" reservationId={reservation_id}"
        result = await self.send(
            call.StartTransaction(
                connector_id=connector,
                id_tag=id_tag,
                meter_start=meter_start,
                timestamp=now(),
                reservation_id=reservation_id,
            ),
            f"connectorId={connector} idTag={id_tag} meterStart={meter_start}{reserved}",
            lambda r: f"transactionId={r.transaction_id} {r.id_tag_info['status']}",
        )
        return int(result.transaction_id), str(result.id_tag_info["status"])

    async def meter_value(
        self, connector: int, transaction_id: int | None, register_wh: int, context: str
    ) -> None:
        charging = transaction_id is not None
        sample = energy_sample(register_wh, context, power=charging)
        about = "" if transaction_id is None else f"transactionId={transaction_id} "
        power = f" power={POWER_W:.0f}W" if charging else ""
        await self.send(
            call.MeterValues(
                connector_id=connector, transaction_id=transaction_id, meter_value=[sample]
            ),
            f"{about}energy={register_wh}Wh{power}"
            + ("" if context == "Sample.Periodic" else f" context={context}"),
            lambda _: "ok",
        )

    async def stop(self, transaction_id: int, id_tag: str, meter_stop: int, reason: str) -> None:
        data = [energy_sample(meter_stop, "Transaction.End", power=False)]
        await self.send(
            call.StopTransaction(
                meter_stop=meter_stop,
                timestamp=now(),
                transaction_id=transaction_id,
                reason=reason,
                id_tag=id_tag,
                transaction_data=data,
            ),
            f"transactionId={transaction_id} meterStop={meter_stop} reason={reason}",
            lambda r: r.id_tag_info["status"] if r.id_tag_info else "ok",
        )

    async def firmware_status(self, status: str) -> None:
        await self.send(call.FirmwareStatusNotification(status=status), status, lambda _: "ok")

    async def diagnostics_status(self, status: str) -> None:
        await self.send(call.DiagnosticsStatusNotification(status=status), status, lambda _: "ok")

    async def sign_certificate(self, csr: str) -> None:
        """SignCertificate (1.6 security extension): the CSMS's CertificateSigned follows
        an Accepted."""
        await self.send(
            call.SignCertificate(csr=csr), f"csr=({len(csr)} characters)", lambda r: r.status
        )
