"""What the simulated station knows and the rules that decide its answers (OCPP 1.6).

Pure state: no sockets, no tasks. :mod:`simulator.charger` acts on it and tells the CSMS.
It outlives a connection, so a Reset keeps configuration, local list, availability and
profiles, as a real station keeps them in non-volatile memory (§5.14).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ocpp.v16.enums import (
    AvailabilityStatus,
    AvailabilityType,
    ChargePointStatus,
    ChargingProfileStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    ReservationStatus,
)

from simulator.certificates import CertificateStore
from simulator.charging_profiles import ChargingProfile, ChargingProfiles
from simulator.configuration import Configuration, definitions
from simulator.local_list import AuthorizationCache, LocalList

METER_START_WH = 1000
# The statuses in which a connector has a user or an EV and cannot be reserved (§5.13).
OCCUPIED = frozenset(
    {
        ChargePointStatus.preparing,
        ChargePointStatus.charging,
        ChargePointStatus.suspended_ev,
        ChargePointStatus.suspended_evse,
        ChargePointStatus.finishing,
    }
)


@dataclass(frozen=True)
class Transaction:
    id: int
    connector_id: int
    id_tag: str
    meter_start_wh: int
    reservation_id: int | None = None


@dataclass(frozen=True)
class Reservation:
    id: int
    connector_id: int
    id_tag: str
    expiry: datetime


@dataclass
class Connector:
    """A connector (id >= 1) or the station itself (id 0)."""

    id: int
    status: ChargePointStatus = ChargePointStatus.available
    # Availability is what the CSMS last asked for; it persists (§5.2).
    operative: bool = True
    register_wh: int = METER_START_WH

    @property
    def idle_status(self) -> ChargePointStatus:
        """The status once nobody uses the connector."""
        return ChargePointStatus.available if self.operative else ChargePointStatus.unavailable


@dataclass
class StationState:
    connectors: dict[int, Connector]
    configuration: Configuration
    local_list: LocalList = field(default_factory=LocalList)
    cache: AuthorizationCache = field(default_factory=AuthorizationCache)
    profiles: ChargingProfiles = field(default_factory=ChargingProfiles)
    transactions: dict[int, Transaction] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    firmware: FirmwareStatus = FirmwareStatus.idle
    diagnostics: DiagnosticsStatus = DiagnosticsStatus.idle
    certificates: CertificateStore = field(default_factory=CertificateStore)

    @classmethod
    def new(cls, connectors: int, interval: float) -> StationState:
        configuration = Configuration(definitions(connectors, f"{interval:g}"))
        return cls({i: Connector(i) for i in range(connectors + 1)}, configuration)

    @property
    def outlets(self) -> list[Connector]:
        """The connectors a vehicle plugs into, without connector 0."""
        return [c for c in self.connectors.values() if c.id > 0]

    def transaction(self, transaction_id: int) -> Transaction | None:
        return next((t for t in self.transactions.values() if t.id == transaction_id), None)

    def reservation_on(self, connector_id: int) -> Reservation | None:
        return next((r for r in self.reservations.values() if r.connector_id == connector_id), None)

    def connector_for_start(self, connector_id: int | None, id_tag: str) -> Connector | None:
        """The connector a RemoteStartTransaction (§5.11) may use: the one named, or the
        first free one. Free means Available, or Reserved for this id tag (§5.13)."""
        candidates = (
            self.outlets
            if connector_id is None
            else [c for c in self.outlets if c.id == connector_id]
        )
        for connector in candidates:
            if connector.status == ChargePointStatus.available:
                return connector
            reservation = self.reservation_on(connector.id)
            if (
                connector.status == ChargePointStatus.reserved
                and reservation is not None
                and reservation.id_tag == id_tag
            ):
                return connector
        return None

    def install_profile(self, profile: ChargingProfile) -> ChargingProfileStatus:
        return self.profiles.install(
            profile,
            max_stack_level=int(self.configuration.number("ChargeProfileMaxStackLevel")),
            max_installed=int(self.configuration.number("MaxChargingProfilesInstalled")),
        )

    def change_availability(
        self, connector_id: int, kind: str
    ) -> tuple[AvailabilityStatus, list[Connector]]:
        """ChangeAvailability (§5.2): connector 0 means the station and every connector.
        Returns the answer and the connectors whose status changes now; a connector with a
        transaction changes after it (Scheduled)."""
        if connector_id not in self.connectors:
            return AvailabilityStatus.rejected, []
        targets = (
            list(self.connectors.values()) if connector_id == 0 else [self.connectors[connector_id]]
        )
        operative = kind == AvailabilityType.operative
        changed: list[Connector] = []
        scheduled = False
        for connector in targets:
            connector.operative = operative
            if connector.id in self.transactions or connector.status in OCCUPIED:
                scheduled = scheduled or not operative
                continue
            wanted = self._resting_status(connector)
            if connector.status != wanted:
                connector.status = wanted
                changed.append(connector)
        status = AvailabilityStatus.scheduled if scheduled else AvailabilityStatus.accepted
        return status, changed

    def reserve(
        self, reservation: Reservation, connector_zero_supported: bool
    ) -> ReservationStatus:
        """ReserveNow (§5.13): a reservation with a known id replaces that reservation."""
        if reservation.connector_id == 0 and not connector_zero_supported:
            return ReservationStatus.rejected
        connector = self.connectors.get(reservation.connector_id)
        if connector is None:
            return ReservationStatus.rejected
        held = self.reservation_on(connector.id)
        if connector.status == ChargePointStatus.faulted:
            return ReservationStatus.faulted
        if connector.status == ChargePointStatus.unavailable:
            return ReservationStatus.unavailable
        if connector.status in OCCUPIED or (held is not None and held.id != reservation.id):
            return ReservationStatus.occupied
        self.reservations.pop(reservation.id, None)
        self.reservations[reservation.id] = reservation
        connector.status = ChargePointStatus.reserved
        return ReservationStatus.accepted

    def release(self, reservation_id: int) -> Connector | None:
        """Forget a reservation (cancelled, expired or used); returns its connector when that
        connector goes back to its resting status."""
        reservation = self.reservations.pop(reservation_id, None)
        if reservation is None:
            return None
        connector = self.connectors[reservation.connector_id]
        if connector.status != ChargePointStatus.reserved:
            return None
        connector.status = self._resting_status(connector)
        return connector

    def _resting_status(self, connector: Connector) -> ChargePointStatus:
        if connector.operative and self.reservation_on(connector.id) is not None:
            return ChargePointStatus.reserved
        return connector.idle_status
