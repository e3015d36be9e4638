"""The charging session a simulated OCPP 1.6J charge point runs against a CSMS, and the
connection loop around it: with ``--stay`` the station stays, heartbeats, answers every
CSMS-initiated call (:mod:`simulator.station_v16`) and reconnects after a Reset.

One line is printed per exchange; the CLI (:mod:`simulator.cli`) only parses arguments
and maps :class:`ScenarioFailed` to an exit code.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import quote

from ocpp.v16.enums import AuthorizationStatus
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.typing import Subprotocol

from simulator.errors import CallFailed, ConnectionLost, ScenarioFailed
from simulator.state import StationState
from simulator.station import Reboot
from simulator.station_v16 import StationV16
from simulator.uplink import Output

# Seconds between reconnect attempts of a station that stays (its --interval, within these).
RECONNECT_MIN = 0.1
RECONNECT_MAX = 5.0

__all__ = ["Options", "ScenarioFailed", "Session", "Summary", "endpoint", "run"]

SUBPROTOCOL = "ocpp1.6"
CONNECTOR = 1
BOOT_ATTEMPTS = 3


@dataclass(frozen=True)
class Options:
    id_tag: str = "DEMO-TAG-001"
    meter_values: int = 3
    # Pause between meter values and between firmware/diagnostics steps; also the
    # initial MeterValueSampleInterval, so a fraction of a second keeps demos and tests fast.
    interval: float = 1.0
    stay: bool = False
    connectors: int = 1


@dataclass(frozen=True)
class Summary:
    transaction_id: int
    energy_wh: int


class Session:
    """What the station does on one connection: the scenario, or booting again after a
    reboot; then, with ``--stay``, heartbeats until cancelled."""

    def __init__(self, station: StationV16, options: Options, out: Output) -> None:
        self.station = station
        self.options = options
        self.out = out

    async def scenario(self) -> Summary:
        """Boot, report, authorize and charge ``meter_values`` samples; then stay if asked."""
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
        """After a reboot: boot and report again, and keep reservations' expiry (§5.13)."""
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
        """BootNotification until Accepted; its interval becomes HeartbeatInterval (§4.2)."""
        for attempt in range(1, BOOT_ATTEMPTS + 1):
            result = await self.station.uplink.boot()
            if result.status == "Accepted":
                self.station.state.configuration.set("HeartbeatInterval", str(result.interval))
                return
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

    async def report(self) -> None:
        """A StatusNotification for the station (connector 0) and each connector."""
        for connector in self.station.state.connectors.values():
            await self.station.uplink.status(connector.id, connector.status)

    async def charge(self) -> Summary:
        tag = self.options.id_tag
        status = await self.station.uplink.authorize(tag)
        self.station.state.cache.remember(tag, status)
        if status != AuthorizationStatus.accepted:
            raise ScenarioFailed(
                f"id tag {tag} is {status}: register it (POST /api/v1/id-tags) or use --id-tag"
            )
        connector = self.station.state.connectors[CONNECTOR]
        outcome = await self.station.charger.charge(
            connector, tag, authorize=False, samples=self.options.meter_values
        )
        if outcome.transaction_id is None:
            raise ScenarioFailed(f"connector {CONNECTOR} was stopped before the transaction")
        if outcome.status != AuthorizationStatus.accepted:
            raise ScenarioFailed(
                f"the CSMS did not accept transaction {outcome.transaction_id} for id tag "
                f"{tag}: {outcome.status}"
            )
        summary = Summary(outcome.transaction_id, outcome.energy_wh)
        end = connector.register_wh
        self.out(
            f"charged transaction {summary.transaction_id}: {summary.energy_wh} Wh "
            f"({end - summary.energy_wh} -> {end} Wh)"
        )
        return summary

    async def stay(self) -> NoReturn:
        """Heartbeat and answer the CSMS until cancelled."""
        interval = self.station.state.configuration.text("HeartbeatInterval")
        self.out(f"staying connected; heartbeat every {interval} s (Ctrl-C to stop)")
        try:
            await self.station.charger.heartbeats()
        except CallFailed as failure:
            raise ScenarioFailed(str(failure)) from None
        raise AssertionError("heartbeats never end")


def endpoint(url: str, charge_point_id: str) -> str:
    """``URL/{id}``: the OCPP-J 1.6 §3.1.1 form, the id percent-encoded as a path segment."""
    return url.rstrip("/") + "/" + quote(charge_point_id, safe="*-_=:+@.")


async def run(
    url: str, charge_point_id: str, options: Options = Options(), out: Output = print
) -> Summary:
    """Connect as ``charge_point_id`` to ``url`` (without the id) and run the session;
    after a Reset, connect and boot again.

    Raises :class:`ScenarioFailed` with a message for a person when the CSMS cannot be
    reached, refuses the connection, answers with a CALLERROR, or says no.
    """
    target = endpoint(url, charge_point_id)
    state = StationState.new(options.connectors, options.interval)
    summary: Summary | None = None
    first = True
    while True:
        try:
            async with await _connect(url, target, state) as connection:
                out(f"connected to {target} as {charge_point_id} (OCPP 1.6)")
                station = StationV16(charge_point_id, connection, state, options.interval, out)
                session = Session(station, options, out)
                outcome = await station.serve(session.scenario() if first else session.resume())
        except ScenarioFailed as failure:
            # A station that stays reconnects when it loses its socket (OCPP-J 1.6 §3.1 leaves
            # reconnecting to the station); it only gives up on its first connection.
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


async def _connect(url: str, target: str, state: StationState) -> ClientConnection:
    # WebSocketPingInterval applies from the next connection on (§9.1, RebootRequired).
    ping = state.configuration.number("WebSocketPingInterval")
    try:
        connection = await connect(
            target,
            subprotocols=[Subprotocol(SUBPROTOCOL)],
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
    if connection.subprotocol != SUBPROTOCOL:
        await connection.close()
        raise ScenarioFailed(f"the CSMS at {target} did not accept subprotocol {SUBPROTOCOL}")
    return connection
