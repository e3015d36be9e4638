"""The charging session a simulated OCPP 1.6J charge point runs against a CSMS, and the
connection loop around it: with ``--stay`` the station stays, heartbeats, answers every
CSMS-initiated call (:mod:`simulator.station_v16`) and reconnects after a Reset.

One line is printed per exchange; the CLI (:mod:`simulator.cli`) only parses arguments
and maps :class:`ScenarioFailed` to an exit code.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ocpp.v16.enums import AuthorizationStatus
from websockets.asyncio.client import ClientConnection

from simulator.connection import Link, Reboot, endpoint, keep_connected
from simulator.errors import ScenarioFailed
from simulator.scenario import DEFAULTS, Options, Scenario
from simulator.state import StationState
from simulator.station_v16 import StationV16
from simulator.uplink import Output

__all__ = ["Options", "ScenarioFailed", "Session", "Summary", "endpoint", "run"]

SUBPROTOCOL = "ocpp1.6"
CONNECTOR = 1
BOOT_ATTEMPTS = 3


@dataclass(frozen=True)
class Summary:
    transaction_id: int
    energy_wh: int


class Session(Scenario[Summary]):
    """The 1.6 steps of the scenario (:class:`simulator.scenario.Scenario`)."""

    station: StationV16

    def __init__(self, station: StationV16, options: Options, out: Output) -> None:
        super().__init__(station, options, out)

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

    def heartbeat_interval(self) -> str:
        return self.station.state.configuration.text("HeartbeatInterval")


async def run(
    url: str, charge_point_id: str, options: Options = DEFAULTS, out: Output = print
) -> Summary:
    """Connect as ``charge_point_id`` to ``url`` (without the id) and run the session;
    after a Reset, connect and boot again (:func:`simulator.connection.keep_connected`).

    Raises :class:`ScenarioFailed` with a message for a person when the CSMS cannot be
    reached, refuses the connection, answers with a CALLERROR, or says no.
    """
    state = StationState.new(options.connectors, options.interval)

    async def attempt(connection: ClientConnection, first: bool) -> Summary | Reboot | None:
        station = StationV16(charge_point_id, connection, state, options.interval, out)
        session = Session(station, options, out)
        return await station.serve(session.scenario() if first else session.resume())

    return await keep_connected(
        Link(url, charge_point_id, "1.6", SUBPROTOCOL),
        # WebSocketPingInterval applies from the next connection on (§9.1, RebootRequired).
        lambda: state.configuration.number("WebSocketPingInterval"),
        attempt,
        stay=options.stay,
        interval=options.interval,
        out=out,
    )
