"""What the simulated OCPP 2.x station knows: EVSEs (one connector each), transactions,
reservations, device model, local list and charging profiles.

Pure state, like :mod:`simulator.state` for 1.6; it outlives a connection so that a Reset
keeps settings, availability and profiles (OCPP 2.0.1 B11/B12).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from simulator.certificates import CertificateStore
from simulator.charging_profiles import ChargingProfiles
from simulator.local_list import AuthorizationCache, LocalList
from simulator.v2.device_model import DeviceModel, VariableKey, station_variables
from simulator.v2.monitors import Monitors

METER_START_WH = 1000
CONNECTOR = 1
AVAILABLE, OCCUPIED, RESERVED, UNAVAILABLE = "Available", "Occupied", "Reserved", "Unavailable"


@dataclass
class Evse:
    """An EVSE with its one connector (connector id 1)."""

    id: int
    status: str = AVAILABLE
    # What the CSMS last asked with ChangeAvailability; it persists (G03.FR.05).
    operative: bool = True
    register_wh: int = METER_START_WH

    @property
    def idle_status(self) -> str:
        return AVAILABLE if self.operative else UNAVAILABLE


@dataclass
class Transaction:
    """A transaction the station started; its id is the station's (E01.FR.16 is not for
    the CSMS to choose), and ``seq_no`` numbers its TransactionEvents (E01.FR.15)."""

    id: str
    evse_id: int
    id_token: str
    meter_start_wh: int
    remote_start_id: int | None = None
    reservation_id: int | None = None
    seq_no: itertools.count[int] = field(default_factory=itertools.count)
    # The running total cost the CSMS last sent (CostUpdated, I02), as shown to the driver.
    total_cost: Decimal | None = None
    # The IdTokenType.type it started for: a remote start's as the CSMS gave it (F01).
    id_token_type: str = "ISO14443"


@dataclass(frozen=True)
class Reservation:
    id: int
    evse_id: int | None
    id_token: str
    expiry: datetime
    # H01: with no EVSE named, an EVSE with a connector of this type.
    connector_type: str | None = None
    # H01: any token of this group may use it.
    group_id_token: str | None = None


@dataclass
class Publications:
    """What this station publishes as a Local Controller (OCPP 2.0.1 L03): the URIs of
    each firmware by its MD5 checksum, and the checksums it is still downloading."""

    published: dict[str, list[str]] = field(default_factory=dict)
    downloading: set[str] = field(default_factory=set)


@dataclass
class StationState:
    evses: dict[int, Evse]
    device_model: DeviceModel
    local_list: LocalList = field(default_factory=LocalList)
    cache: AuthorizationCache = field(default_factory=AuthorizationCache)
    profiles: ChargingProfiles = field(default_factory=ChargingProfiles)
    transactions: dict[int, Transaction] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    firmware: str = "Idle"
    publications: Publications = field(default_factory=Publications)
    log: str = "Idle"
    certificates: CertificateStore = field(default_factory=CertificateStore)
    accepted: bool = False
    # The BootNotification reason of the next connection (B01, B11: RemoteReset).
    boot_reason: str = "PowerUp"
    monitors: Monitors = field(default_factory=Monitors)
    # SetNetworkProfile's connection data by configurationSlot (B09; simulator.v2.network).
    network_profiles: dict[int, dict[str, Any]] = field(default_factory=dict)
    # The messages it shows drivers (O01-O06), by id, as MessageInfoType (snake_case).
    display_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    # ``--iso15118``: an ISO 15118 EV states its needs at transaction start (K15) and its
    # schedule once the CSMS gave it a TxProfile (K17).
    iso15118: bool = False

    @classmethod
    def new(cls, evses: int, interval: float) -> StationState:
        model = DeviceModel(station_variables(evses, f"{max(interval, 0):g}"))
        return cls({i: Evse(i) for i in range(1, evses + 1)}, model)

    def transaction(self, transaction_id: str) -> Transaction | None:
        return next((t for t in self.transactions.values() if t.id == transaction_id), None)

    def reservation_on(self, evse_id: int) -> Reservation | None:
        return next((r for r in self.reservations.values() if r.evse_id == evse_id), None)

    def set_status(self, evse: Evse, status: str) -> None:
        """The connector's status, mirrored into the device model's AvailabilityState."""
        evse.status = status
        model = self.device_model
        model.adopt(VariableKey("EVSE", "AvailabilityState", evse.id), status)
        model.adopt(VariableKey("Connector", "AvailabilityState", evse.id, CONNECTOR), status)

    def resting_status(self, evse: Evse) -> str:
        if evse.operative and self.reservation_on(evse.id) is not None:
            return RESERVED
        return evse.idle_status

    def evse_for_start(self, evse_id: int | None, id_token: str) -> Evse | None:
        """The EVSE a RequestStartTransaction (F01) may use: the one named or the first
        free one; free means Available, or Reserved for this token (H01)."""
        candidates = [e for e in self.evses.values() if evse_id in (None, e.id)]
        for evse in candidates:
            reservation = self.reservation_on(evse.id)
            if evse.status == AVAILABLE or (
                evse.status == RESERVED
                and reservation is not None
                and reservation.id_token == id_token
            ):
                return evse
        return None

    def change_availability(
        self, evse_id: int | None, operative: bool, connector_id: int | None = None
    ) -> tuple[str, list[Evse]]:
        """ChangeAvailability (G03, G04): no EVSE means the whole station; a connector of
        an EVSE is that EVSE here, whose only connector is 1 (Rejected for another).
        Scheduled while a transaction runs; returns the answer and the EVSEs whose status
        changes now."""
        if evse_id is not None and evse_id not in self.evses:
            return "Rejected", []
        if connector_id not in (None, CONNECTOR):
            return "Rejected", []
        targets = [e for e in self.evses.values() if evse_id in (None, e.id)]
        changed: list[Evse] = []
        scheduled = False
        for evse in targets:
            evse.operative = operative
            if evse.id in self.transactions or evse.status == OCCUPIED:
                scheduled = scheduled or not operative
                continue
            wanted = self.resting_status(evse)
            if evse.status != wanted:
                self.set_status(evse, wanted)
                changed.append(evse)
        return ("Scheduled" if scheduled else "Accepted"), changed

    def connector_type(self, evse: Evse) -> str:
        """The type of the EVSE's one connector, as its device model says."""
        return self.device_model.value_of(
            VariableKey("Connector", "ConnectorType", evse.id, CONNECTOR)
        )

    def reserve(self, reservation: Reservation) -> tuple[str, Evse | None]:
        """ReserveNow (H01): the EVSE named; else, with a connector type, a free EVSE with a
        connector of that type; else any free EVSE. A reservation with a known id replaces
        it. Rejected for an EVSE or a connector type the station does not have;
        Unavailable when every candidate is inoperative; Occupied when none is free."""
        if reservation.evse_id is not None and reservation.evse_id not in self.evses:
            return "Rejected", None
        candidates = [
            e
            for e in self.evses.values()
            if reservation.evse_id in (None, e.id)
            and reservation.connector_type in (None, self.connector_type(e))
        ]
        if not candidates:
            return "Rejected", None
        # A reservation with the same id is replaced, so its EVSE counts as free.
        replaced = self.reservations.pop(reservation.id, None)
        evse = next(
            (
                e
                for e in candidates
                if e.status == AVAILABLE
                or (e.status == RESERVED and replaced is not None and replaced.evse_id == e.id)
            ),
            None,
        )
        if evse is None:
            if replaced is not None:
                self.reservations[replaced.id] = replaced  # a refused replacement keeps it
            inoperative = all(e.status == UNAVAILABLE for e in candidates)
            return ("Unavailable" if inoperative else "Occupied"), None
        self.reservations[reservation.id] = replace(reservation, evse_id=evse.id)
        self.set_status(evse, RESERVED)
        return "Accepted", evse

    def remove_reservations(self, evses: list[Evse]) -> list[int]:
        """Forget the reservations of EVSEs that became inoperative (G03/H01): their ids,
        for the ReservationStatusUpdate Removed the CSMS is owed (H04)."""
        ids = {e.id for e in evses}
        removed = [r.id for r in self.reservations.values() if r.evse_id in ids]
        for reservation_id in removed:
            del self.reservations[reservation_id]
        return removed

    def release(self, reservation_id: int) -> Evse | None:
        """Forget a reservation; its EVSE when that goes back to resting."""
        reservation = self.reservations.pop(reservation_id, None)
        if reservation is None or reservation.evse_id is None:
            return None
        evse = self.evses[reservation.evse_id]
        if evse.status != RESERVED:
            return None
        self.set_status(evse, self.resting_status(evse))
        return evse
