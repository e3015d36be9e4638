"""The charging session a simulated OCPP 2.x station runs against a CSMS, and the
connection loop around it (the 2.x twin of :mod:`simulator.session_v16`): boot (staying
connected while Pending, answering GetBaseReport and a triggered boot), status, heartbeat,
Authorize, a transaction reported with TransactionEvents; with ``--stay`` the station
heartbeats, answers the CSMS and reconnects after a Reset."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection

from simulator.connection import Link, Reboot, keep_connected
from simulator.errors import ScenarioFailed
from simulator.scenario import DEFAULTS, Options, Scenario
from simulator.uplink import Output
from simulator.v2 import ev, plug_and_charge
from simulator.v2.charger import Start
from simulator.v2.handlers import Handlers
from simulator.v2.management import known_status
from simulator.v2.network import active_link
from simulator.v2.state import StationState

EVSE = 1
# Boots answered Pending whose retry interval passed without a TriggerMessage.
BOOT_ATTEMPTS = 3


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


class Session(Scenario[Summary]):
    """The 2.x steps of the scenario (:class:`simulator.scenario.Scenario`)."""

    station: Handlers

    def __init__(self, station: Handlers, options: Options, out: Output) -> None:
        super().__init__(station, options, out)

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
        if self.options.external_limit_w > 0:
            await ev.notify_limit(self.station.uplink, self.options.external_limit_w)

    async def charge(self) -> Summary:
        token = self.options.id_tag
        if self.options.contract_certificate:
            token, status = await self._plug_and_charge()
        else:
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

    async def _plug_and_charge(self) -> tuple[str, str]:
        """The EV authorizes with its contract certificate (C07); never a card."""
        contract = plug_and_charge.ContractCertificate.from_pem(self.options.contract_certificate)
        await plug_and_charge.prepare(self.station.uplink, contract)
        status, certificate = await plug_and_charge.authorize(self.station.uplink, contract)
        if status != "Accepted":
            raise ScenarioFailed(
                f"eMAID {contract.emaid} is {status} (contract certificate {certificate}): "
                "register it (POST /api/v1/id-tags) and check the certificate's OCSP status"
            )
        return contract.emaid, status

    def heartbeat_interval(self) -> str:
        return self.station.state.device_model.value("OCPPCommCtrlr", "HeartbeatInterval")


async def run(
    protocol: Protocol,
    url: str,
    charge_point_id: str,
    options: Options = DEFAULTS,
    out: Output = print,
) -> Summary:
    """Connect as ``charge_point_id`` to ``url`` (without the id; OCPP-J 2.0.1 §3.2 puts
    the id as the last path segment) and run the session; after a Reset, connect and boot
    again (:func:`simulator.connection.keep_connected`). Raises :class:`ScenarioFailed`
    with a message for a person."""
    state = StationState.new(options.connectors, options.interval)
    state.iso15118 = options.iso15118

    async def attempt(connection: ClientConnection, first: bool) -> Summary | Reboot | None:
        station = protocol.station(charge_point_id, connection, state, options.interval, out)
        session = Session(station, options, out)
        return await station.serve(session.scenario() if first else session.resume())

    return await keep_connected(
        Link(url, charge_point_id, protocol.version, protocol.subprotocol),
        lambda: state.device_model.number("OCPPCommCtrlr", "WebSocketPingInterval"),
        attempt,
        stay=options.stay,
        interval=options.interval,
        out=out,
        relink=lambda started: active_link(state, started),
    )
