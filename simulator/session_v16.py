"""The charging session a simulated OCPP 1.6J charge point runs against a CSMS.

One line is printed per exchange; the CLI (:mod:`simulator.cli`) only parses arguments
and maps :class:`ScenarioFailed` to an exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from ocpp.exceptions import OCPPError, UnknownCallErrorCodeError
from ocpp.v16 import call
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from simulator.station_v16 import Output, StationV16, now

SUBPROTOCOL = "ocpp1.6"
CONNECTOR = 1
METER_START_WH = 1000
# Each meter value adds this much energy: an 11 kW charger sampled every ~80 s.
ENERGY_STEP_WH = 250
POWER_W = 11000.0
BOOT_ATTEMPTS = 3

Result = TypeVar("Result")


class ScenarioFailed(Exception):
    """The session cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Options:
    id_tag: str = "DEMO-TAG-001"
    meter_values: int = 3
    interval: float = 1.0
    stay: bool = False


@dataclass(frozen=True)
class Summary:
    transaction_id: int
    energy_wh: int


class Session:
    """The charging session a station runs: one method per step, one line per exchange."""

    def __init__(self, station: StationV16, options: Options, out: Output) -> None:
        self.station = station
        self.options = options
        self.out = out

    async def send(self, request: Any, sent: str, answered: Callable[[Any], str]) -> Any:
        action = type(request).__name__
        try:
            result = await self.station.call(request, suppress=False)
        except OCPPError as error:
            raise ScenarioFailed(
                f"-> {action} {sent} <- CALLERROR {error.code}: {error.description}"
            ) from None
        except UnknownCallErrorCodeError as error:
            raise ScenarioFailed(f"-> {action} {sent} <- {error}") from None
        except TimeoutError:
            raise ScenarioFailed(f"-> {action} {sent} <- no answer in time") from None
        self.out(f"-> {action} {sent} <- {answered(result)}".replace("  ", " "))
        return result

    async def boot(self) -> int:
        """BootNotification until Accepted; returns the heartbeat interval."""
        request = call.BootNotification(
            charge_point_model="csms-sim", charge_point_vendor="CSMS", firmware_version="1.0"
        )
        for attempt in range(1, BOOT_ATTEMPTS + 1):
            result = await self.send(
                request,
                "vendor=CSMS model=csms-sim",
                lambda r: f"{r.status} interval={r.interval}",
            )
            if result.status == "Accepted":
                return int(result.interval)
            if result.status == "Rejected":
                raise ScenarioFailed(
                    f"the CSMS rejected charge point {self.station.id}: register it "
                    "(POST /api/v1/charge-points) or change the admission policy"
                )
            if attempt < BOOT_ATTEMPTS:
                await asyncio.sleep(self.options.interval)
        raise ScenarioFailed(
            f"charge point {self.station.id} is still Pending after {BOOT_ATTEMPTS} boots: "
            "accept it in the CSMS and run again"
        )

    async def status(self, connector: int, status: str) -> None:
        await self.send(
            call.StatusNotification(
                connector_id=connector, error_code="NoError", status=status, timestamp=now()
            ),
            f"connectorId={connector} {status}",
            lambda _: "ok",
        )

    async def heartbeat(self) -> None:
        await self.send(call.Heartbeat(), "", lambda r: f"currentTime={r.current_time}")

    async def authorize(self) -> None:
        tag = self.options.id_tag
        result = await self.send(
            call.Authorize(id_tag=tag), f"idTag={tag}", lambda r: r.id_tag_info["status"]
        )
        status = result.id_tag_info["status"]
        if status != "Accepted":
            raise ScenarioFailed(
                f"id tag {tag} is {status}: register it (POST /api/v1/id-tags) or use --id-tag"
            )

    async def start_transaction(self) -> int:
        tag = self.options.id_tag
        result = await self.send(
            call.StartTransaction(
                connector_id=CONNECTOR, id_tag=tag, meter_start=METER_START_WH, timestamp=now()
            ),
            f"connectorId={CONNECTOR} idTag={tag} meterStart={METER_START_WH}",
            lambda r: f"transactionId={r.transaction_id} {r.id_tag_info['status']}",
        )
        if result.id_tag_info["status"] != "Accepted":
            raise ScenarioFailed(
                f"the CSMS did not accept transaction {result.transaction_id} for id tag {tag}: "
                f"{result.id_tag_info['status']}"
            )
        return int(result.transaction_id)

    async def meter_value(self, transaction_id: int, register_wh: int) -> None:
        sample = {
            "timestamp": now(),
            "sampledValue": [
                {
                    "value": str(register_wh),
                    "measurand": "Energy.Active.Import.Register",
                    "unit": "Wh",
                    "context": "Sample.Periodic",
                },
                {
                    "value": f"{POWER_W:.1f}",
                    "measurand": "Power.Active.Import",
                    "unit": "W",
                    "context": "Sample.Periodic",
                },
            ],
        }
        await self.send(
            call.MeterValues(
                connector_id=CONNECTOR, transaction_id=transaction_id, meter_value=[sample]
            ),
            f"transactionId={transaction_id} energy={register_wh}Wh power={POWER_W:.0f}W",
            lambda _: "ok",
        )

    async def stop_transaction(self, transaction_id: int, meter_stop: int) -> None:
        data = [
            {
                "timestamp": now(),
                "sampledValue": [
                    {
                        "value": str(meter_stop),
                        "measurand": "Energy.Active.Import.Register",
                        "unit": "Wh",
                        "context": "Transaction.End",
                    }
                ],
            }
        ]
        await self.send(
            call.StopTransaction(
                meter_stop=meter_stop,
                timestamp=now(),
                transaction_id=transaction_id,
                reason="Local",
                id_tag=self.options.id_tag,
                transaction_data=data,
            ),
            f"transactionId={transaction_id} meterStop={meter_stop} reason=Local",
            lambda r: r.id_tag_info["status"] if r.id_tag_info else "ok",
        )

    async def charge(self) -> tuple[int, Summary]:
        """The whole session; returns the heartbeat interval and what was charged."""
        interval = await self.boot()
        await self.status(0, "Available")
        await self.status(CONNECTOR, "Available")
        await self.heartbeat()
        await self.authorize()
        await self.status(CONNECTOR, "Preparing")
        transaction_id = await self.start_transaction()
        await self.status(CONNECTOR, "Charging")
        register = METER_START_WH
        for _ in range(self.options.meter_values):
            await asyncio.sleep(self.options.interval)
            register += ENERGY_STEP_WH
            await self.meter_value(transaction_id, register)
        await self.status(CONNECTOR, "Finishing")
        await self.stop_transaction(transaction_id, register)
        await self.status(CONNECTOR, "Available")
        summary = Summary(transaction_id, register - METER_START_WH)
        self.out(
            f"charged transaction {summary.transaction_id}: {summary.energy_wh} Wh "
            f"({METER_START_WH} -> {register} Wh)"
        )
        return interval, summary

    async def stay(self, interval: int) -> None:
        """Heartbeat and answer the CSMS until cancelled."""
        self.out(f"staying connected; heartbeat every {interval} s (Ctrl-C to stop)")
        while True:
            await asyncio.sleep(interval)
            await self.heartbeat()


def endpoint(url: str, charge_point_id: str) -> str:
    """``URL/{id}``: the OCPP-J 1.6 §3.1.1 form, the id percent-encoded as a path segment."""
    return url.rstrip("/") + "/" + quote(charge_point_id, safe="*-_=:+@.")


async def run(
    url: str, charge_point_id: str, options: Options = Options(), out: Output = print
) -> Summary:
    """Connect as ``charge_point_id`` to ``url`` (without the id) and run the session.

    Raises :class:`ScenarioFailed` with a message for a person when the CSMS cannot be
    reached, refuses the connection, answers with a CALLERROR, or says no.
    """
    target = endpoint(url, charge_point_id)
    try:
        connection = await connect(target, subprotocols=[Subprotocol(SUBPROTOCOL)], open_timeout=10)
    except InvalidStatus as error:
        reason = error.response.body.decode("utf-8", "replace").strip()
        raise ScenarioFailed(
            f"the CSMS refused the connection to {target}: "
            f"HTTP {error.response.status_code} {reason}"
        ) from None
    except InvalidURI as error:
        raise ScenarioFailed(f"{url} is not a WebSocket URL: {error}") from None
    except (OSError, InvalidHandshake, TimeoutError) as error:
        raise ScenarioFailed(
            f"cannot connect to {target}: {error}; is the CSMS running (csms up)?"
        ) from None
    async with connection:
        if connection.subprotocol != SUBPROTOCOL:
            raise ScenarioFailed(f"the CSMS at {target} did not accept subprotocol {SUBPROTOCOL}")
        out(f"connected to {target} as {charge_point_id} (OCPP 1.6)")
        station = StationV16(charge_point_id, connection, out)
        session = Session(station, options, out)
        interval, summary = await _while_connected(station, session.charge())
        if options.stay:
            await _while_connected(station, session.stay(interval))
        return summary


async def _while_connected(station: StationV16, work: Awaitable[Result]) -> Result:
    """Run ``work`` while the station reads its socket; fail if the socket closes first."""
    reader = asyncio.ensure_future(station.start())
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait([reader, task], return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        closed = reader.exception()
        detail = f": {closed}" if isinstance(closed, ConnectionClosed) else ""
        raise ScenarioFailed(f"the CSMS closed the connection{detail}")
    finally:
        for pending in (task, reader):
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await pending
