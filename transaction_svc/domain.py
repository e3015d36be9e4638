"""Transactions, meter values and the rules that relate them. Pure: no I/O, no storage, no
protobuf.

The vocabulary is version-neutral: a transaction is what an OCPP 1.6 StartTransaction /
StopTransaction pair (or a 2.x TransactionEvent sequence) describes, and a meter value is
the shared shape of OCPP 1.6 MeterValue and 2.x MeterValueType.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

from transaction_svc.errors import InvalidTransactionRequest

# OCPP 1.6 §7.31 (Measurand): the measurand a station means when it names none.
ENERGY_REGISTER = "Energy.Active.Import.Register"

# Energy units OCPP defines (1.6 §7.50 UnitOfMeasure), in Wh per unit. "" is the default, Wh.
WH_PER_UNIT: Final = {"": 1.0, "wh": 1.0, "kwh": 1000.0}


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


class AuthorizationStatus(enum.Enum):
    """The decision about an identifier (OCPP 1.6 AuthorizationStatus, 2.x
    AuthorizationStatusEnumType); mirrors ``csms.auth.v1.IdTokenInfo.Status``."""

    ACCEPTED = "ACCEPTED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    INVALID = "INVALID"
    CONCURRENT_TX = "CONCURRENT_TX"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED_TYPE_EVSE = "NOT_ALLOWED_TYPE_EVSE"
    NOT_AT_THIS_LOCATION = "NOT_AT_THIS_LOCATION"
    NOT_AT_THIS_TIME = "NOT_AT_THIS_TIME"
    UNKNOWN = "UNKNOWN"


class AuthorizationPurpose(enum.Enum):
    """Why the transaction service asks auth_svc: concurrent use is checked unless stopping."""

    AUTHORIZE = "AUTHORIZE"
    START_TRANSACTION = "START_TRANSACTION"
    STOP_TRANSACTION = "STOP_TRANSACTION"


@dataclass(frozen=True)
class Authorization:
    """auth_svc's answer about an identifier: what the station receives as idTagInfo."""

    status: AuthorizationStatus
    expires_at: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class SampledValue:
    """One sample (OCPP 1.6 SampledValue); empty strings stand for fields the station left out."""

    value: float
    measurand: str = ""
    unit: str = ""
    context: str = ""
    phase: str = ""
    location: str = ""
    signed_data: str | None = None

    def energy_register_wh(self) -> float | None:
        """The reading in Wh if this sample is the whole-meter active energy import register
        (no phase), else None. An empty measurand is that register and an empty unit is Wh
        (OCPP 1.6 §7.45 SampledValue defaults)."""
        if self.measurand not in ("", ENERGY_REGISTER) or self.phase:
            return None
        factor = WH_PER_UNIT.get(self.unit.lower())
        return None if factor is None else self.value * factor


@dataclass(frozen=True)
class MeterValue:
    """Samples taken at one moment (OCPP 1.6 MeterValue)."""

    timestamp: datetime
    sampled_values: tuple[SampledValue, ...]


@dataclass(frozen=True)
class MeterSample:
    """One stored sample: where and when it was taken, and the transaction it belongs to."""

    transaction_id: int | None
    charge_point_id: str
    evse_id: int
    connector_id: int
    sampled_at: datetime
    sampled_value: SampledValue


def latest_energy_register_wh(meter_values: Iterable[MeterValue]) -> float | None:
    """The energy register reading (Wh) with the latest timestamp; on equal timestamps the
    one sent last wins. None when no sample is an energy register reading."""
    latest: tuple[datetime, float] | None = None
    for meter_value in meter_values:
        for sample in meter_value.sampled_values:
            reading = sample.energy_register_wh()
            if reading is not None and (latest is None or meter_value.timestamp >= latest[0]):
                latest = (meter_value.timestamp, reading)
    return None if latest is None else latest[1]


def meter_samples(
    meter_values: Iterable[MeterValue],
    *,
    transaction_id: int | None,
    charge_point_id: str,
    evse_id: int,
    connector_id: int,
) -> tuple[MeterSample, ...]:
    """Flatten meter values into the rows they are stored as, one per sampled value."""
    return tuple(
        MeterSample(transaction_id, charge_point_id, evse_id, connector_id, mv.timestamp, sample)
        for mv in meter_values
        for sample in mv.sampled_values
    )


def group_meter_values(samples: Sequence[MeterSample]) -> tuple[MeterValue, ...]:
    """Group samples (already ordered by time) back into one meter value per timestamp."""
    groups: list[MeterValue] = []
    for sample in samples:
        if groups and groups[-1].timestamp == sample.sampled_at:
            last = groups[-1]
            groups[-1] = replace(last, sampled_values=(*last.sampled_values, sample.sampled_value))
        else:
            groups.append(MeterValue(sample.sampled_at, (sample.sampled_value,)))
    return tuple(groups)


def delivered_energy_wh(meter_start_wh: float, meter_reading_wh: float) -> float:
    """Energy between two readings of the same register. Never negative: a register that went
    backwards means the meter was replaced or reset, and the CSMS cannot tell how much was
    delivered, so it counts nothing rather than a negative amount."""
    return max(0.0, meter_reading_wh - meter_start_wh)


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
        # report, never a refusal (OCPP 1.6 §4.10; transaction_svc.orphan).
        _require(
            self.meter_stop_wh >= 0, f"meter_stop_wh must not be negative, got {self.meter_stop_wh}"
        )


@dataclass(frozen=True)
class MeterReport:
    """Meter values a station sends (OCPP 1.6 MeterValues.req, §6.32)."""

    charge_point_id: str
    evse_id: int
    connector_id: int
    transaction_id: int | None
    meter_values: tuple[MeterValue, ...]

    def __post_init__(self) -> None:
        _require(bool(self.charge_point_id), "charge_point_id must not be empty")
        _require(self.evse_id >= 0, f"evse_id must not be negative, got {self.evse_id}")
        _require(
            self.connector_id >= 0, f"connector_id must not be negative, got {self.connector_id}"
        )
        # None: no transaction (0 on the wire). A negative id names none the CSMS gave out:
        # the report becomes an orphan report, as for any unknown id.

    def samples(self) -> tuple[MeterSample, ...]:
        return meter_samples(
            self.meter_values,
            transaction_id=self.transaction_id,
            charge_point_id=self.charge_point_id,
            evse_id=self.evse_id,
            connector_id=self.connector_id,
        )

    def fingerprint(self) -> str:
        """A digest of everything the report says (SHA-256, hex).

        A station that got no answer to its MeterValues.req sends the same one again (a
        transaction-related message; 2.0.1 E13), maybe to another edge on a new
        connection, with a new message id.
        Two reports with one fingerprint give the same readings of the same meter at the
        same moments, so the second is that repetition: storing it would count it twice.
        """
        content = [
            self.charge_point_id,
            self.evse_id,
            self.connector_id,
            self.transaction_id,
            meter_values_content(self.meter_values),
        ]
        return digest(content)


def meter_values_content(meter_values: Iterable[MeterValue]) -> list[Any]:
    """Meter values as plain JSON values, every field in a fixed order: what a digest of
    them covers, and how an orphan report stores them."""
    return [
        [
            meter_value.timestamp.astimezone(UTC).isoformat(),
            [
                [s.value, s.measurand, s.unit, s.context, s.phase, s.location, s.signed_data]
                for s in meter_value.sampled_values
            ],
        ]
        for meter_value in meter_values
    ]


def meter_values_from_content(content: Iterable[Any]) -> tuple[MeterValue, ...]:
    """The inverse of :func:`meter_values_content`."""
    return tuple(
        MeterValue(
            datetime.fromisoformat(timestamp),
            tuple(
                SampledValue(value, measurand, unit, context, phase, location, signed_data)
                for value, measurand, unit, context, phase, location, signed_data in samples
            ),
        )
        for timestamp, samples in content
    )


def digest(content: Any) -> str:
    """SHA-256 (hex) of JSON ``content`` in its one compact form."""
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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

    def with_register_reading(self, reading_wh: float, now: datetime) -> Transaction:
        """This transaction with its energy so far taken from an energy register reading."""
        return replace(
            self, energy_wh=delivered_energy_wh(self.meter_start_wh, reading_wh), updated_at=now
        )


@dataclass(frozen=True)
class TransactionQuery:
    """One page of transactions, newest first: at most ``limit`` with an id below
    ``before_id`` (keyset pagination), optionally of one charge point and one status."""

    limit: int
    before_id: int | None = None
    charge_point_id: str | None = None
    status: TransactionStatus | None = None


@dataclass(frozen=True)
class TransactionPage:
    transactions: tuple[Transaction, ...]
    # The id the next page starts below; None on the last page.
    next_before_id: int | None
