"""OCPP 2.x field values the JSON schema cannot check or that need a default: sampled
values with their unit multiplier, and date-times. Pure; shared by 2.0.1 and 2.1, whose
MeterValueType and SampledValueType are the same for what the CSMS keeps."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ocpp.charge_point import snake_to_camel_case
from ocpp.exceptions import PropertyConstraintViolationError

from csms.common.v1 import meter_pb2
from edge.v16.values import format_timestamp, parse_timestamp

__all__ = ["format_timestamp", "meter_values", "parse_timestamp", "sampled_value", "scaled"]

Payload = Mapping[str, Any]

# OCPP 2.0.1 Part 2 §2.43 SampledValueType and §2.52 UnitOfMeasureType: what an omitted
# field means.
DEFAULT_MEASURAND = "Energy.Active.Import.Register"
DEFAULT_UNIT = "Wh"
DEFAULT_CONTEXT = "Sample.Periodic"
DEFAULT_LOCATION = "Outlet"
DEFAULT_MULTIPLIER = 0


def scaled(value: float, multiplier: int, field: str) -> float:
    """``value`` times 10^``multiplier`` (UnitOfMeasureType.multiplier), computed in
    decimal so 1.1 kWh sent as ``1.1`` with multiplier 3 is 1100 Wh, not 1100.0000000000002."""
    result = float(Decimal(repr(float(value))).scaleb(multiplier))
    if not math.isfinite(result):
        raise PropertyConstraintViolationError(
            description=f"{field} {value} with multiplier {multiplier} is out of range"
        )
    return result


def sampled_value(payload: Payload, field: str) -> meter_pb2.SampledValue:
    """One 2.x SampledValue: a number, scaled to the base unit its unitOfMeasure names.
    A signedMeterValue is kept as the JSON text the station sent (camelCase), because
    verifying it needs its signingMethod, encodingMethod and publicKey too."""
    unit = payload.get("unit_of_measure") or {}
    sample = meter_pb2.SampledValue(
        value=scaled(payload["value"], unit.get("multiplier", DEFAULT_MULTIPLIER), field),
        measurand=payload.get("measurand") or DEFAULT_MEASURAND,
        unit=unit.get("unit") or DEFAULT_UNIT,
        context=payload.get("context") or DEFAULT_CONTEXT,
        phase=payload.get("phase") or "",
        location=payload.get("location") or DEFAULT_LOCATION,
    )
    signed = payload.get("signed_meter_value")
    if signed is not None:
        sample.signed_data = json.dumps(
            snake_to_camel_case(signed), separators=(",", ":"), sort_keys=True
        )
    return sample


def meter_values(values: list[Payload], field: str) -> list[meter_pb2.MeterValue]:
    return [
        meter_pb2.MeterValue(
            timestamp=parse_timestamp(value["timestamp"], f"{field}[{i}].timestamp"),
            sampled_values=[
                sampled_value(sample, f"{field}[{i}].sampledValue[{j}].value")
                for j, sample in enumerate(value["sampled_value"])
            ],
        )
        for i, value in enumerate(values)
    ]
