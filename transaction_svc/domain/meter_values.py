"""Meter values and the energy they measure: what a station samples (OCPP 1.6 MeterValue
and SampledValue, 2.x MeterValueType), how samples are stored and grouped back, and the
readings a transaction's energy comes from. Pure: no I/O, no storage, no protobuf.
"""

from __future__ import annotations

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
