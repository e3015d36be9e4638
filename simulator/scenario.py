"""The steps of a simulated station's session that every OCPP version takes in the same
order: boot, report, heartbeat and charge on the first connection; boot and report again
after a reboot, keeping reservations' expiry; then, with ``--stay``, heartbeats until
cancelled. How each step is done is the version's (:mod:`simulator.session_v16`,
:mod:`simulator.v2.session`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, NoReturn, Protocol, TypeVar

from simulator.background import Background
from simulator.errors import CallFailed, ScenarioFailed
from simulator.uplink import Output

Summary = TypeVar("Summary")


@dataclass(frozen=True)
class Options:
    id_tag: str = "DEMO-TAG-001"
    meter_values: int = 3
    # Pause between meter values and between firmware/diagnostics steps; also the
    # initial MeterValueSampleInterval, so a fraction of a second keeps demos and tests fast.
    interval: float = 1.0
    stay: bool = False
    connectors: int = 1
    # OCPP 2.x smart charging: an ISO 15118 EV (K15, K17), and an external limit in W
    # reported after boot (K12; 0: none).
    iso15118: bool = False
    external_limit_w: float = 0.0
    # OCPP 2.x ISO 15118 Plug & Charge: the EV's contract certificate then its sub-CA
    # (PEM); empty: the station authorizes --id-tag as a card.
    contract_certificate: str = ""


# The CLI's defaults, shared so that no call happens in an argument default.
DEFAULTS = Options()


class _Uplink(Protocol):
    async def heartbeat(self) -> None: ...


class _Charger(Protocol):
    async def heartbeats(self) -> None: ...

    async def expire(self, reservation_id: int) -> None: ...


class _State(Protocol):
    @property
    def reservations(self) -> Mapping[int, object]: ...


class Station(Protocol):
    """What the steps use of a station, whatever its version."""

    @property
    def uplink(self) -> _Uplink: ...

    @property
    def charger(self) -> _Charger: ...

    @property
    def state(self) -> _State: ...

    @property
    def background(self) -> Background: ...


class Scenario(ABC, Generic[Summary]):
    """What the station does on one connection: the scenario, or booting again after a
    reboot; then, with ``--stay``, heartbeats until cancelled."""

    def __init__(self, station: Station, options: Options, out: Output) -> None:
        self.options = options
        self.out = out
        self.station = station

    @abstractmethod
    async def boot(self) -> None: ...

    @abstractmethod
    async def report(self) -> None: ...

    @abstractmethod
    async def charge(self) -> Summary: ...

    @abstractmethod
    def heartbeat_interval(self) -> str:
        """The configured heartbeat interval, as printed."""

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
        """After a reboot: boot and report again, and keep reservations' expiry (OCPP 1.6
        §5.13, 2.0.1 H01)."""
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

    async def stay(self) -> NoReturn:
        """Heartbeat and answer the CSMS until cancelled."""
        interval = self.heartbeat_interval()
        self.out(f"staying connected; heartbeat every {interval} s (Ctrl-C to stop)")
        try:
            await self.station.charger.heartbeats()
        except CallFailed as failure:
            raise ScenarioFailed(str(failure)) from None
        raise AssertionError("heartbeats never end")
