"""OCPP 2.x TransactionEvent (2.0.1 E01-E15, 2.1 the same) in the version-neutral vocabulary
of :mod:`transaction_svc.domain.transaction`. Pure: no I/O, no storage, no protobuf.

A 2.x station names its transaction with its own string ``transactionId`` and reports it as
a sequence of events (Started, Updated..., Ended), each numbered by ``seqNo`` (2.0.1 E01.FR.04:
the seqNo grows by one per message of the station; not every station does, see
:class:`EventIdentity`). The CSMS still allocates its own integer
id, as it does for 1.6, so every transaction is listed, counted and read the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.meter_values import (
    MeterSample,
    MeterValue,
    latest_energy_register_wh,
    meter_samples,
)
from transaction_svc.domain.transaction import (
    StopReason,
    Transaction,
    TransactionStart,
    TransactionStop,
)
from transaction_svc.errors import InvalidTransactionRequest

# OCPP 2.0.1 TransactionEventRequest.transactionId is identifierString of at most 36.
MAX_STATION_TRANSACTION_ID_LENGTH = 36
# IdTokenType.idToken is CiString36Type.
MAX_ID_TAG_LENGTH = 36

# ReadingContextEnumType values that mark the readings at the two ends of a transaction.
TRANSACTION_BEGIN = "Transaction.Begin"
TRANSACTION_END = "Transaction.End"


class TransactionEventType(enum.Enum):
    """TransactionEventEnumType (OCPP 2.0.1 §3.8 of part 2)."""

    STARTED = "STARTED"
    UPDATED = "UPDATED"
    ENDED = "ENDED"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidTransactionRequest(message)


def _context_reading_wh(meter_values: Iterable[MeterValue], context: str) -> float | None:
    """The latest energy register reading among samples taken in ``context``."""
    return latest_energy_register_wh(
        MeterValue(mv.timestamp, tuple(s for s in mv.sampled_values if s.context == context))
        for mv in meter_values
    )


def _first_register_wh(meter_values: Iterable[MeterValue]) -> float | None:
    """The energy register reading with the earliest timestamp (the first sent on a tie)."""
    first: tuple[datetime, float] | None = None
    for meter_value in meter_values:
        for sample in meter_value.sampled_values:
            reading = sample.energy_register_wh()
            if reading is not None and (first is None or meter_value.timestamp < first[0]):
                first = (meter_value.timestamp, reading)
    return None if first is None else first[1]


def meter_start_wh(meter_values: Iterable[MeterValue]) -> float:
    """The reading a 2.x transaction starts from. 2.x has no meterStart field: the station
    sends the start reading as a sample in context Transaction.Begin (2.0.1 J02.FR.10); a
    station that sends none is measured from its first energy register reading, else 0."""
    values = tuple(meter_values)
    begin = _context_reading_wh(values, TRANSACTION_BEGIN)
    if begin is not None:
        return begin
    first = _first_register_wh(values)
    return 0.0 if first is None else first


def meter_stop_wh(
    event_values: Iterable[MeterValue], all_values: Iterable[MeterValue], meter_start: float
) -> float:
    """The final reading of a 2.x transaction: the Transaction.End sample of the Ended event
    (2.0.1 J02.FR.11), else the latest register reading ever received for it, else its
    start reading (nothing measured: no energy)."""
    end = _context_reading_wh(event_values, TRANSACTION_END)
    if end is not None:
        return end
    latest = latest_energy_register_wh(all_values)
    return meter_start if latest is None else latest


@dataclass(frozen=True)
class EventIdentity:
    """What makes two TransactionEvents of one transaction the same event: the fields every
    TransactionEventRequest must carry about the event itself (OCPP 2.0.1 part 2 §1.57:
    eventType, timestamp, triggerReason, seqNo).

    A station that lost an answer sends the same request again (2.0.1 E13), and all four
    are equal; that repeat changes nothing and gets the first answer. The seqNo alone does
    not tell: E01.FR.04 wants it to grow by one per message, yet stations in the field
    number every event 0, and an Ended event sharing its seqNo with the Started one is the
    end of the transaction, not a repeat of its start. Meter values and the idToken are not
    part of it: a repeat carries the same, and what they are does not make a second event.
    """

    seq_no: int
    event_type: TransactionEventType
    timestamp: datetime
    trigger_reason: str


@dataclass(frozen=True)
class RecordedEvent:
    """A TransactionEvent as stored, once per (transaction, :class:`EventIdentity`), with
    the decision its idToken got, so that a repeated event is answered the same."""

    transaction_id: int
    seq_no: int
    event_type: TransactionEventType
    trigger_reason: str
    timestamp: datetime
    offline: bool
    charging_state: str | None
    id_tag: str | None
    authorization_status: AuthorizationStatus | None
    # The rest of the idTokenInfo the event was answered with.
    authorization_expires_at: datetime | None = None
    parent_id_tag: str | None = None

    @property
    def identity(self) -> EventIdentity:
        return EventIdentity(self.seq_no, self.event_type, self.timestamp, self.trigger_reason)

    def authorization(self) -> Authorization | None:
        """The idTokenInfo to answer a repetition with: the one the event got."""
        status = self.authorization_status
        if status is None:
            return None
        return Authorization(status, self.authorization_expires_at, self.parent_id_tag)


@dataclass(frozen=True)
class TransactionEvent:
    """One TransactionEventRequest (OCPP 2.0.1 §1.57 of part 2). Empty strings and zero ids
    of the wire are None here."""

    charge_point_id: str
    ocpp_version: str
    event_type: TransactionEventType
    timestamp: datetime
    trigger_reason: str
    seq_no: int
    station_transaction_id: str
    offline: bool = False
    charging_state: str | None = None
    # Only meaningful on ENDED; 2.0.1 stoppedReason defaults to Local.
    stopped_reason: StopReason = StopReason.LOCAL
    reservation_id: int | None = None
    evse_id: int = 0
    connector_id: int = 0
    id_tag: str | None = None
    id_token_type: str = ""
    meter_values: tuple[MeterValue, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(self.charge_point_id), "charge_point_id must not be empty")
        _require(
            bool(self.station_transaction_id),
            "station_transaction_id must not be empty: it is the station's transactionId",
        )
        _require(
            len(self.station_transaction_id) <= MAX_STATION_TRANSACTION_ID_LENGTH,
            f"station_transaction_id is {len(self.station_transaction_id)} characters long; "
            f"OCPP allows at most {MAX_STATION_TRANSACTION_ID_LENGTH}",
        )
        _require(self.seq_no >= 0, f"seq_no must not be negative, got {self.seq_no}")
        _require(self.evse_id >= 0, f"evse_id must not be negative, got {self.evse_id}")
        _require(
            self.connector_id >= 0, f"connector_id must not be negative, got {self.connector_id}"
        )
        _require(
            self.id_tag is None or 0 < len(self.id_tag) <= MAX_ID_TAG_LENGTH,
            f"id_tag must have 1 to {MAX_ID_TAG_LENGTH} characters",
        )

    @property
    def identity(self) -> EventIdentity:
        return EventIdentity(self.seq_no, self.event_type, self.timestamp, self.trigger_reason)

    def start(self) -> TransactionStart:
        """The transaction this event begins. Usually a Started event; an Updated or Ended
        one for a transaction the CSMS never heard of (its Started was lost, or queued
        offline) creates it from what it carries (2.0.1 E01-E04 do not require the Started
        to arrive first), starting at the event's timestamp."""
        return TransactionStart(
            charge_point_id=self.charge_point_id,
            evse_id=self.evse_id,
            connector_id=self.connector_id,
            id_tag=self.id_tag or "",
            meter_start_wh=meter_start_wh(self.meter_values),
            started_at=self.timestamp,
            reservation_id=self.reservation_id,
            ocpp_version=self.ocpp_version,
            station_transaction_id=self.station_transaction_id,
            charging_state=self.charging_state,
            id_token_type=self.id_token_type or None,
        )

    def samples(self, transaction: Transaction) -> tuple[MeterSample, ...]:
        """The event's meter values as stored rows of ``transaction``."""
        return meter_samples(
            self.meter_values,
            transaction_id=transaction.id,
            charge_point_id=self.charge_point_id,
            evse_id=self.evse_id or transaction.evse_id,
            connector_id=self.connector_id or transaction.connector_id,
        )

    def recorded(self, transaction_id: int, authorization: Authorization | None) -> RecordedEvent:
        return RecordedEvent(
            transaction_id=transaction_id,
            seq_no=self.seq_no,
            event_type=self.event_type,
            trigger_reason=self.trigger_reason,
            timestamp=self.timestamp,
            offline=self.offline,
            charging_state=self.charging_state,
            id_tag=self.id_tag,
            authorization_status=None if authorization is None else authorization.status,
            authorization_expires_at=None if authorization is None else authorization.expires_at,
            parent_id_tag=None if authorization is None else authorization.parent_id_tag,
        )

    def applied_to(
        self,
        transaction: Transaction,
        authorization: Authorization | None,
        all_values: Iterable[MeterValue],
        now: datetime,
    ) -> Transaction:
        """``transaction`` (ACTIVE) once this event is applied, ``all_values`` being the
        meter values stored for it, this event's included: every one, or at least its
        latest energy register reading (the only one this looks at besides the event's).

        - chargingState: the last one reported is kept.
        - idToken on Updated (2.0.1 E02/E03, trigger Authorized): a transaction without an
          identifier takes it; its own identifier gets the fresh decision. A different
          identifier is answered and kept in the event only.
        - Ended: completed with the final reading (:func:`meter_stop_wh`); its idToken is
          the stop identifier (2.0.1 E06, StopAuthorized).
        - otherwise the energy so far follows the latest register reading by timestamp, so
          events arriving out of order (offline queues, E12) do not move it backwards.
        """
        values = tuple(all_values)
        changed = transaction
        if self.charging_state:
            changed = replace(changed, charging_state=self.charging_state)
        ended = self.event_type is TransactionEventType.ENDED
        if self.id_tag and authorization is not None and not ended:
            if not changed.id_tag:
                # The token's type comes with it (2.0.1 IdTokenType): both are its identity.
                changed = replace(
                    changed, id_tag=self.id_tag, id_token_type=self.id_token_type or None
                )
            if changed.id_tag == self.id_tag:
                changed = replace(changed, authorization_status=authorization.status)
        if ended:
            stop = TransactionStop(
                charge_point_id=changed.charge_point_id,
                transaction_id=changed.id,
                meter_stop_wh=meter_stop_wh(self.meter_values, values, changed.meter_start_wh),
                stopped_at=self.timestamp,
                reason=self.stopped_reason,
                id_tag=self.id_tag,
            )
            return changed.stopped(stop, now)
        reading = latest_energy_register_wh(values)
        if reading is None:
            return replace(changed, updated_at=now)
        return changed.with_register_reading(reading, now)


def without_own_use(
    authorization: Authorization, active_of_tag: int, counts_itself: bool
) -> Authorization:
    """auth_svc's decision about an identifier presented again inside its own transaction.

    auth_svc answers ConcurrentTx for an otherwise Accepted identifier that has any open
    transaction (it allows one per identifier); when the only open one is the very
    transaction the identifier is presented in, that is no concurrent use, and the answer is
    Accepted (ConcurrentTx is only ever given for an otherwise Accepted identifier).
    """
    others = active_of_tag - (1 if counts_itself else 0)
    if authorization.status is AuthorizationStatus.CONCURRENT_TX and others <= 0:
        return replace(authorization, status=AuthorizationStatus.ACCEPTED)
    return authorization
