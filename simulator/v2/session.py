"""The charging session a simulated OCPP 2.x station runs against a CSMS, and the
connection loop around it (the 2.x twin of :mod:`simulator.session_v16`): boot (staying
connected while Pending, answering GetBaseReport and a triggered boot), status, heartbeat,
Authorize, a transaction reported with TransactionEvents; with ``--stay`` the station
heartbeats, answers the CSMS and reconnects after a Reset."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import NoReturn

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from simulator.errors import CallFailed, ConnectionLost, ScenarioFailed
from simulator.session_v16 import RECONNECT_MAX, RECONNECT_MIN, Options, endpoint
from simulator.station import Reboot
from simulator.uplink import Output
from simulator.v2.charger import Start
from simulator.v2.handlers import Handlers
from simulator.v2.management import known_status
from simulator.v2.state import StationState

EVSE = 1
# Boots answered Pending whose retry interval passed without a TriggerMessage.
BOOT_ATTEMPTS = 3

# The CLI's defaults, shared so that no call happens in an argument default.
DEFAULTS = Options()


@dataclass(frozen=True)
class Protocol:
    """One OCPP 2.x version: its name, WebSocket subprotocol and station class."""

    version: str
    subprotocol: str
    station: type[Handlers]


@dataclass(frozen=True)
class Summary:
    transaction_id: str
    energy_wh: int


class Session:
    def __init__(self, station: Handlers, options: Options, out: Output) -> None:
        self.station = station
        self.options = options
        self.out = out

    async def scenario(self) -> Summary:
        try:
            await self.boot()
            await self.report()
            await self.station.uplink.heartbeat()
            summary = await self.charge()
        except CallFailed as failure:
            raise ScenarioFailed(str(failure)) from None
        if self.options.stay:
            await self.stay()
        return summary

    async def resume(self) -> None:
        """After a reboot: boot and report again, and keep reservations' expiry."""
        try:
            await self.boot()
            await self.report()
        except CallFailed as failure:
            raise ScenarioFailed(str(failure)) from None
        for reservation_id in list(self.station.state.reservations):
            self.station.background.spawn(
                self.station.charger.expire(reservation_id), "reservation"
            )
        if self.options.stay:
            await self.stay()

    async def boot(self) -> None:
        """BootNotification until Accepted (B01-B03). While Pending the connection stays
        open for the CSMS's calls (B02.FR.02); the station boots again after the answer's
        interval, or at once when the CSMS triggers it (B02, F06)."""
        state = self.station.state
        state.accepted = False
        waited = 0
        while True:
            self.station.boot_requested.clear()
            result = await self.station.boot(state.boot_reason)
            if result.status == "Accepted":
                state.boot_reason = "PowerUp"
                return
            if result.status == "Rejected":
                raise ScenarioFailed(
                    f"the CSMS rejected charging station {self.station.id}: register it "
                    "(POST /api/v1/charge-points) or change the admission policy"
                )
            if waited >= BOOT_ATTEMPTS:
                raise ScenarioFailed(
                    f"charging station {self.station.id} is still Pending after "
                    f"{BOOT_ATTEMPTS + 1} boots: accept it in the CSMS and run again"
                )
            delay = result.interval if result.interval > 0 else self.options.interval
            self.out(f"pending: booting again in {delay:g} s or when the CSMS asks")
            try:
                async with asyncio.timeout(delay):
                    await self.station.boot_requested.wait()
            except TimeoutError:
                waited += 1

    async def report(self) -> None:
        for evse in self.station.state.evses.values():
            await self.station.uplink.status(evse.id, evse.status)

    async def charge(self) -> Summary:
        token = self.options.id_tag
        status = await self.station.uplink.authorize(token)
        self.station.state.cache.remember(token, known_status(status))
        if status != "Accepted":
            raise ScenarioFailed(
                f"id token {token} is {status}: register it (POST /api/v1/id-tags) or use --id-tag"
            )
        evse = self.station.state.evses[EVSE]
        outcome = await self.station.charger.charge(
            evse, Start(token), samples=self.options.meter_values
        )
        if outcome.status != "Accepted":
            raise ScenarioFailed(
                f"the CSMS did not accept transaction {outcome.transaction_id} for id token "
                f"{token}: {outcome.status}"
            )
        summary = Summary(outcome.transaction_id, outcome.energy_wh)
        end = evse.register_wh
        self.out(
            f"charged transaction {summary.transaction_id}: {summary.energy_wh} Wh "
            f"({end - summary.energy_wh} -> {end} Wh)"
        )
        return summary

    async def stay(self) -> NoReturn:
        interval = self.station.state.device_model.value("OCPPCommCtrlr", "HeartbeatInterval")
        self.out(f"staying connected; heartbeat every {interval} s (Ctrl-C to stop)")
        try:
            await self.station.charger.heartbeats()
        except CallFailed as failure:
            raise ScenarioFailed(str(failure)) from None
        raise AssertionError("heartbeats never end")


async def run(
    protocol: Protocol,
    url: str,
    charge_point_id: str,
    options: Options = DEFAULTS,
    out: Output = print,
) -> Summary:
    """Connect as ``charge_point_id`` to ``url`` (without the id; OCPP-J 2.0.1 §3.2 puts
    the id as the last path segment) and run the session; after a Reset, connect and boot
    again. Raises :class:`ScenarioFailed` with a message for a person."""
    target = endpoint(url, charge_point_id)
    state = StationState.new(options.connectors, options.interval)
    summary: Summary | None = None
    first = True
    while True:
        try:
            async with await _connect(protocol, url, target, state) as connection:
                out(f"connected to {target} as {charge_point_id} (OCPP {protocol.version})")
                station = protocol.station(
                    charge_point_id, connection, state, options.interval, out
                )
                session = Session(station, options, out)
                outcome = await station.serve(session.scenario() if first else session.resume())
        except ScenarioFailed as failure:
            reconnecting = isinstance(failure, ConnectionLost) or not first
            if not (options.stay and reconnecting):
                raise
            delay = min(max(options.interval, RECONNECT_MIN), RECONNECT_MAX)
            out(f"{failure}; reconnecting in {delay:g} s")
            await asyncio.sleep(delay)
            first = False
            continue
        first = False
        if isinstance(outcome, Summary):
            summary = outcome
        if outcome is Reboot.REQUESTED:
            continue
        if summary is None:
            raise ScenarioFailed("the CSMS reset the station before the charging session ended")
        return summary


async def _connect(
    protocol: Protocol, url: str, target: str, state: StationState
) -> ClientConnection:
    ping = state.device_model.number("OCPPCommCtrlr", "WebSocketPingInterval")
    try:
        connection = await connect(
            target,
            subprotocols=[Subprotocol(protocol.subprotocol)],
            open_timeout=10,
            ping_interval=ping if ping > 0 else None,
        )
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
    if connection.subprotocol != protocol.subprotocol:
        await connection.close()
        raise ScenarioFailed(
            f"the CSMS at {target} did not accept subprotocol {protocol.subprotocol}"
        )
    return connection
