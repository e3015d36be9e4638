"""Transactions and the rules of their start and stop. Pure: no I/O, no storage, no
protobuf.

The vocabulary is version-neutral: a transaction is what an OCPP 1.6 StartTransaction /
StopTransaction pair (or a 2.x TransactionEvent sequence, :mod:`.transaction_event`)
describes; its meter values are :mod:`.meter_values`' and its decision
:mod:`.authorization`'s.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from servicekit.pagination import filter_scope
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.closure import Closure
from transaction_svc.domain.meter_values import MeterValue, delivered_energy_wh
from transaction_svc.errors import InvalidTransactionRequest


class TransactionStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"


class StopReason(enum.Enum):
    """Why a transaction stopped: the union of OCPP 1.6 Reason and 2.x ReasonEnumType."""

    DE_AUTHORIZED = "DE_AUTHORIZED"
    EMERGENCY_STOP = "EMERGENCY_STOP"
    ENERGY_LIMIT_REACHED = "ENERGY_LIMIT_REACHED"
    EV_DISCONNECTED = "EV_DISCONNECTED"
    GROUND_FAULT = "GROUND_FAULT"
    HARD_RESET = "HARD_RESET"
    IMMEDIATE_RESET = "IMMEDIATE_RESET"
    LOCAL = "LOCAL"
    LOCAL_OUT_OF_CREDIT = "LOCAL_OUT_OF_CREDIT"
    MASTER_PASS = "MASTER_PASS"
    OTHER = "OTHER"
    OVERCURRENT_FAULT = "OVERCURRENT_FAULT"
    POWER_LOSS = "POWER_LOSS"
    POWER_QUALITY = "POWER_QUALITY"
    REBOOT = "REBOOT"
    REMOTE = "REMOTE"
    SOC_LIMIT_REACHED = "SOC_LIMIT_REACHED"
    SOFT_RESET = "SOFT_RESET"
    STOPPED_BY_EV = "STOPPED_BY_EV"
    TIME_LIMIT_REACHED = "TIME_LIMIT_REACHED"
    TIMEOUT = "TIMEOUT"
    UNLOCK_COMMAND = "UNLOCK_COMMAND"
    # Not a station's: the CSMS ended it (an operator or a policy; see ``closure``).
    ENDED_BY_CSMS = "ENDED_BY_CSMS"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidTransactionRequest(message)


@dataclass(frozen=True)
class TransactionStart:
    """A station reports that it started a transaction (OCPP 1.6 StartTransaction.req, §6.46)."""

    charge_point_id: str
    evse_id: int
    connector_id: int
    id_tag: str
    meter_start_wh: float
    started_at: datetime
    reservation_id: int | None = None
    ocpp_version: str = ""
    # OCPP 2.x: the station's own transactionId and its chargingState; None for 1.6.
    station_transaction_id: str | None = None
    charging_state: str | None = None
    # OCPP 2.x: the IdTokenEnumType the station gave id_tag; None for 1.6.
    id_token_type: str | None = None

    def __post_init__(self) -> None:
        _require(bool(self.charge_point_id), "charge_point_id must not be empty")
        # OCPP 2.0.1 E02/E03: a 2.x transaction may start before anyone identified (the
        # cable came first); a 1.6 StartTransaction.req always names its idTag.
        _require(
            bool(self.id_tag) or self.station_transaction_id is not None,
            "id_tag must not be empty: a transaction starts for one",
        )
        _require(self.evse_id >= 0, f"evse_id must not be negative, got {self.evse_id}")
        _require(
            self.connector_id >= 0, f"connector_id must not be negative, got {self.connector_id}"
        )
        _require(
            self.meter_start_wh >= 0,
            f"meter_start_wh must not be negative, got {self.meter_start_wh}",
        )


@dataclass(frozen=True)
class TransactionStop:
    """A station reports that a transaction stopped (OCPP 1.6 StopTransaction.req, §6.50)."""

    charge_point_id: str
    transaction_id: int
    meter_stop_wh: float
    stopped_at: datetime
    reason: StopReason = StopReason.LOCAL
    id_tag: str | None = None
    meter_values: tuple[MeterValue, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(self.charge_point_id), "charge_point_id must not be empty")
        # Any transactionId is taken, 0 and negative ones too (stations send them for a
        # start that got no id): one the CSMS never gave out makes the stop an orphan
        # report, never a refusal (OCPP 1.6 §4.10; transaction_svc.domain.orphan).
        _require(
            self.meter_stop_wh >= 0, f"meter_stop_wh must not be negative, got {self.meter_stop_wh}"
        )


@dataclass(frozen=True)
class Transaction:
    """A charging transaction. ``id`` is allocated by the CSMS database and is the OCPP 1.6
    ``transactionId`` the station uses in every later message about it."""

    id: int
    charge_point_id: str
    evse_id: int
    connector_id: int
    id_tag: str
    status: TransactionStatus
    meter_start_wh: float
    meter_stop_wh: float | None
    energy_wh: float
    started_at: datetime
    stopped_at: datetime | None
    stop_reason: StopReason | None
    stop_id_tag: str | None
    reservation_id: int | None
    ocpp_version: str
    # The decision given to the station about ``id_tag``; None while a 2.x transaction has
    # no identifier (``id_tag`` is then empty).
    authorization_status: AuthorizationStatus | None
    created_at: datetime
    updated_at: datetime
    meter_values: tuple[MeterValue, ...] = ()
    # OCPP 2.x: the station's transactionId (None for 1.6) and its last chargingState.
    station_transaction_id: str | None = None
    charging_state: str | None = None
    # OCPP 2.x: the IdTokenEnumType of id_tag as the station read it; None for 1.6.
    id_token_type: str | None = None
    # Set when the CSMS ended it (:mod:`transaction_svc.domain.closure`).
    closure: Closure | None = None

    @property
    def is_active(self) -> bool:
        return self.status is TransactionStatus.ACTIVE

    def is_retry_of(self, start: TransactionStart) -> bool:
        """Whether ``start`` reports this very transaction again: a station that lost the
        answer to its StartTransaction.req sends the same message again (OCPP 1.6 §4.8)."""
        return (
            self.is_active
            and self.station_transaction_id == start.station_transaction_id
            and self.charge_point_id == start.charge_point_id
            and self.evse_id == start.evse_id
            and self.connector_id == start.connector_id
            and self.id_tag == start.id_tag
            and self.meter_start_wh == start.meter_start_wh
            and self.started_at == start.started_at
        )

    def stopped(self, stop: TransactionStop, now: datetime) -> Transaction:
        """This transaction once ``stop`` is applied: completed, with the energy between the
        start and stop readings of the meter."""
        return replace(
            self,
            status=TransactionStatus.COMPLETED,
            meter_stop_wh=stop.meter_stop_wh,
            energy_wh=delivered_energy_wh(self.meter_start_wh, stop.meter_stop_wh),
            stopped_at=stop.stopped_at,
            stop_reason=stop.reason,
            stop_id_tag=stop.id_tag,
            updated_at=now,
        )

    def closed(self, closure: Closure, now: datetime) -> Transaction:
        """This transaction ended by the CSMS at ``now``: the station sent no final reading,
        so the last one known stands as its stop reading (the energy so far is final)."""
        return replace(
            self,
            status=TransactionStatus.COMPLETED,
            meter_stop_wh=self.meter_start_wh + self.energy_wh,
            stopped_at=now,
            stop_reason=StopReason.ENDED_BY_CSMS,
            closure=closure,
            updated_at=now,
        )

    def with_register_reading(self, reading_wh: float, now: datetime) -> Transaction:
        """This transaction with its energy so far taken from an energy register reading."""
        return replace(
            self, energy_wh=delivered_energy_wh(self.meter_start_wh, reading_wh), updated_at=now
        )


@dataclass(frozen=True)
class TransactionQuery:
    """One page of transactions, newest first: at most ``limit`` with an id below
    ``before_id`` (keyset pagination), optionally of one charge point, one status, one id
    tag, and started at or after ``started_after`` and before ``started_before``."""

    limit: int
    before_id: int | None = None
    charge_point_id: str | None = None
    status: TransactionStatus | None = None
    id_tag: str | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None

    def __post_init__(self) -> None:
        if self.id_tag is not None and "\x00" in self.id_tag:
            # PostgreSQL text cannot hold NUL: no stored id tag has it.
            raise InvalidTransactionRequest("id_tag must not contain NUL characters")
        if (
            self.started_after is not None
            and self.started_before is not None
            and self.started_before <= self.started_after
        ):
            raise InvalidTransactionRequest("started_before must be after started_after")

    @property
    def scope(self) -> str:
        """The page token scope of the filters (:func:`servicekit.pagination.filter_scope`)."""
        return filter_scope(
            self.charge_point_id,
            self.status,
            self.id_tag,
            self.started_after,
            self.started_before,
        )

    def matches(self, transaction: Transaction) -> bool:
        """The filters, not the page bounds."""
        return (
            (self.charge_point_id is None or transaction.charge_point_id == self.charge_point_id)
            and (self.status is None or transaction.status is self.status)
            and (self.id_tag is None or transaction.id_tag == self.id_tag)
            and (self.started_after is None or transaction.started_at >= self.started_after)
            and (self.started_before is None or transaction.started_at < self.started_before)
        )


@dataclass(frozen=True)
class TransactionPage:
    transactions: tuple[Transaction, ...]
    # The id the next page starts below; None on the last page.
    next_before_id: int | None
    # How many transactions match the filters, on every page.
    total_size: int = 0
    # The page token scope of the filters (TransactionQuery.scope).
    scope: str = ""
