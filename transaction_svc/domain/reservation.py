"""Reservations and the rules that relate them to starting transactions. Pure: no I/O, no
storage, no protobuf.

A reservation keeps an EVSE (or, with EVSE 0, one EVSE of the charge point) free for one id
tag, or for every id tag that shares its parent id tag, until it expires (OCPP 1.6 §3.9 and
§5.13 ReserveNow, 2.0.1 H01). The CSMS stores it, sends it to the station and records the
answer; the station enforces it, and the CSMS checks starting transactions against it too.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from servicekit.ocpp_vocabulary import (
    DEFAULT_ID_TOKEN_TYPE,
    connector_type_problem,
    id_token_type_problem,
)
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.transaction import TransactionStart
from transaction_svc.errors import InvalidReservationRequest

# OCPP 2.0.1 IdTokenType.idToken is CiString36Type; the 1.6 idTag (CiString20Type) fits.
MAX_ID_TAG_LENGTH = 36

# The station's ReserveNow answer that makes a reservation ACTIVE (1.6 §7.39
# ReservationStatus, 2.0.1 ReserveNowStatusEnumType).
STATION_ACCEPTED = "ACCEPTED"


class ReservationStatus(enum.Enum):
    """Where a reservation stands; mirrors ``csms.transaction.v1.Reservation.Status``."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    USED = "USED"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"
    REMOVED = "REMOVED"


class StationUpdate(enum.Enum):
    """How a station ended a reservation itself (2.0.1 ReservationUpdateStatusEnumType,
    H04), by its OCPP word."""

    EXPIRED = "Expired"
    REMOVED = "Removed"
    # OCPP 2.1 H03.FR.11: its token was presented but no transaction started in time.
    NO_TRANSACTION = "NoTransaction"


@dataclass(frozen=True)
class ReservationRequest:
    """An operator asks to reserve (OCPP 1.6 ReserveNow.req, §6.42; 2.0.1 H01). ``evse_id``
    0 reserves any EVSE of the charge point (2.0.1 H01 "reserve an unspecified EVSE"), or,
    with ``connector_type``, an EVSE with a connector of that type (H01, 2.x only)."""

    charge_point_id: str
    evse_id: int
    id_tag: str
    parent_id_tag: str | None
    expires_at: datetime | None
    connector_type: str | None = None
    # The 2.x IdTokenEnumType of ``id_tag``; None means ISO14443 (an RFID card).
    id_token_type: str | None = None

    def checked(self, now: datetime) -> ReservationRequest:
        """This request, or :class:`InvalidReservationRequest` naming the wrong field."""
        _require(bool(self.charge_point_id), "charge_point_id must not be empty")
        _require(bool(self.id_tag), "id_tag must not be empty: a reservation is for someone")
        _require(
            len(self.id_tag) <= MAX_ID_TAG_LENGTH,
            f"id_tag is {len(self.id_tag)} characters long; OCPP identifiers have at most "
            f"{MAX_ID_TAG_LENGTH}",
        )
        _require(
            self.parent_id_tag is None or len(self.parent_id_tag) <= MAX_ID_TAG_LENGTH,
            f"parent_id_tag has more than {MAX_ID_TAG_LENGTH} characters",
        )
        _require(
            self.evse_id >= 0,
            f"evse_id must not be negative, got {self.evse_id} (0 reserves any EVSE)",
        )
        if self.expires_at is None:
            raise InvalidReservationRequest("expires_at must be set: when does it end?")
        _require(
            self.expires_at > now,
            f"expires_at {self.expires_at.isoformat()} has already passed; "
            "a reservation must end in the future",
        )
        if self.connector_type:
            _require_no(connector_type_problem(self.connector_type, "connector_type"))
        _require_no(
            id_token_type_problem(self.id_token_type or DEFAULT_ID_TOKEN_TYPE, "id_token_type")
        )
        return replace(
            self,
            parent_id_tag=self.parent_id_tag or None,
            connector_type=self.connector_type or None,
            id_token_type=self.id_token_type or DEFAULT_ID_TOKEN_TYPE,
        )


@dataclass(frozen=True)
class Reservation:
    """A stored reservation. ``id`` is allocated by the CSMS database and is the OCPP
    ``reservationId`` the station knows it by.

    ``status`` is what is stored. An ACTIVE reservation whose expiry has passed is reported
    EXPIRED (:meth:`as_of`) without being written back: the clock decides, not a job.
    """

    id: int
    charge_point_id: str
    evse_id: int
    id_tag: str
    parent_id_tag: str | None
    expires_at: datetime
    status: ReservationStatus
    station_status: str | None
    created_at: datetime
    updated_at: datetime
    transaction_id: int | None = None
    connector_type: str | None = None
    id_token_type: str = DEFAULT_ID_TOKEN_TYPE
    # How the station ended it itself (2.x ReservationStatusUpdate), if it did.
    station_update: StationUpdate | None = None

    def in_force(self, at: datetime) -> bool:
        """ACTIVE and not yet expired at ``at``: it still holds its EVSE."""
        return self.status is ReservationStatus.ACTIVE and at < self.expires_at

    def as_of(self, now: datetime) -> Reservation:
        """This reservation as reported at ``now``: EXPIRED once an ACTIVE one's time passed."""
        if self.status is ReservationStatus.ACTIVE and not self.in_force(now):
            return replace(self, status=ReservationStatus.EXPIRED)
        return self

    def answered(self, station_status: str, now: datetime) -> Reservation:
        """This PENDING reservation once the station answered ReserveNow: ACTIVE when it
        accepted, else REJECTED with the station's reason (e.g. OCCUPIED)."""
        status = (
            ReservationStatus.ACTIVE
            if station_status == STATION_ACCEPTED
            else ReservationStatus.REJECTED
        )
        return replace(self, status=status, station_status=station_status, updated_at=now)

    def failed(self, now: datetime) -> Reservation:
        """This PENDING reservation when it could not be sent (no station answer)."""
        return replace(self, status=ReservationStatus.FAILED, updated_at=now)

    def cancelled(self, now: datetime) -> Reservation:
        return replace(self, status=ReservationStatus.CANCELLED, updated_at=now)

    def ended_by_station(self, update: StationUpdate, now: datetime) -> Reservation | None:
        """This reservation once the station says it ended it (2.0.1 H04
        ReservationStatusUpdate: Expired at its expiry; Removed before it, e.g. when its EVSE
        became inoperative; 2.1 NoTransaction, an end without use, counts as REMOVED);
        None when it is no longer ACTIVE (used, cancelled, ...): what ended it first stands.
        An ACTIVE one past its expiry is EXPIRED already as reported, and now stored so."""
        if self.status is not ReservationStatus.ACTIVE:
            return None
        status = (
            ReservationStatus.EXPIRED
            if update is StationUpdate.EXPIRED
            else ReservationStatus.REMOVED
        )
        return replace(self, status=status, station_update=update, updated_at=now)

    def used_by(self, transaction_id: int, now: datetime) -> Reservation:
        return replace(
            self, status=ReservationStatus.USED, transaction_id=transaction_id, updated_at=now
        )

    def holds_evse(self, evse_id: int) -> bool:
        """Whether it keeps ``evse_id`` free: its own EVSE, or any when it names EVSE 0."""
        return self.evse_id in (0, evse_id)

    def admits(self, id_tag: str, parent_id_tag: str | None) -> bool:
        """Whether an id tag (with the parent auth_svc gave it) may use this reservation:
        the reserving tag itself, or one with the same parent id tag (OCPP 1.6 §5.13)."""
        return id_tag == self.id_tag or (
            self.parent_id_tag is not None and parent_id_tag == self.parent_id_tag
        )


@dataclass(frozen=True)
class ReservationCheck:
    """What the reservations of a charge point mean for a starting transaction."""

    # The reservation the transaction ends (it becomes USED), if any.
    used: Reservation | None = None
    # A reservation that keeps the EVSE for someone else, when the start has no claim.
    conflict: Reservation | None = None

    def authorization(self, authorization: Authorization) -> Authorization:
        """The idTagInfo for the station: an otherwise Accepted tag becomes Invalid on an
        EVSE reserved for someone else, so that the station stops the transaction (OCPP 1.6
        §4.8: it has already started). Other refusals are kept, being more precise."""
        if self.conflict is None or authorization.status is not AuthorizationStatus.ACCEPTED:
            return authorization
        return replace(authorization, status=AuthorizationStatus.INVALID)


def check_start(
    start: TransactionStart,
    parent_id_tag: str | None,
    reservations: Sequence[Reservation],
) -> ReservationCheck:
    """Relate a starting transaction to the charge point's reservations.

    ``reservations`` are the candidates: those of the start's EVSE or of EVSE 0, and the one
    the start names. Only those of the start's charge point in force when it started count.

    1. The reservation the station names (StartTransaction.req reservationId, 1.6 §6.46) is
       the one the transaction ends: the station has terminated it.
    2. Otherwise a reservation held for this tag (or its parent) on this EVSE, or on EVSE 0,
       is ended by it (1.6 §3.9: a reservation terminates when a transaction starts for the
       reserved idTag or its parent on the reserved connector).
    3. Without such a claim, a reservation held for someone else on the EVSE, or on the whole
       charge point (EVSE 0), makes the start a conflict.
    """
    live = sorted(
        (
            r
            for r in reservations
            if r.charge_point_id == start.charge_point_id and r.in_force(start.started_at)
        ),
        # The EVSE's own reservation before one of the whole charge point, then the oldest.
        key=lambda r: (r.evse_id == 0, r.id),
    )
    named = next((r for r in live if r.id == start.reservation_id), None)
    if named is not None:
        return ReservationCheck(used=named)
    holding = [r for r in live if r.holds_evse(start.evse_id)]
    mine = next((r for r in holding if r.admits(start.id_tag, parent_id_tag)), None)
    if mine is not None:
        return ReservationCheck(used=mine)
    return ReservationCheck(conflict=next(iter(holding), None))


@dataclass(frozen=True)
class ReservationQuery:
    """One page of reservations, newest first: at most ``limit`` with an id below
    ``before_id``, optionally of one charge point and one status (as reported then)."""

    limit: int
    before_id: int | None = None
    charge_point_id: str | None = None
    status: ReservationStatus | None = None

    def matches(self, reservation: Reservation, now: datetime) -> bool:
        """The query as a predicate on a stored reservation, its status as reported at
        ``now`` (the SQL adapter says the same in SQL)."""
        return (
            (self.before_id is None or reservation.id < self.before_id)
            and (
                self.charge_point_id is None or reservation.charge_point_id == self.charge_point_id
            )
            and (self.status is None or reservation.as_of(now).status is self.status)
        )


@dataclass(frozen=True)
class ReservationPage:
    reservations: tuple[Reservation, ...]
    # The id the next page starts below; None on the last page.
    next_before_id: int | None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidReservationRequest(message)


def _require_no(problem: str | None) -> None:
    if problem is not None:
        raise InvalidReservationRequest(problem)
