"""OCPP 1.6 field values the JSON schema cannot check: date-times, numbers sent as
text, sampled values with their defaults, and connector numbering. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from ocpp.exceptions import FormatViolationError, PropertyConstraintViolationError

from csms.common.v1 import meter_pb2

Payload = Mapping[str, Any]

# OCPP 1.6 §7.45 SampledValue: what an omitted field means.
DEFAULT_MEASURAND = "Energy.Active.Import.Register"
DEFAULT_UNIT = "Wh"
DEFAULT_CONTEXT = "Sample.Periodic"
DEFAULT_LOCATION = "Outlet"

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def evse_and_connector(connector_id: int) -> tuple[int, int]:
    """A 1.6 connectorId as (evse_id, connector_id): N >= 1 is EVSE N connector 1, and
    0 (the whole charge point) is EVSE 0 connector 0 (see chargepoint.proto)."""
    if connector_id < 0:
        raise PropertyConstraintViolationError(
            description=f"connectorId must be 0 or greater, got {connector_id}"
        )
    return (connector_id, 1) if connector_id > 0 else (0, 0)


def parse_timestamp(text: str, field: str) -> Timestamp:
    """An ISO 8601 date-time (OCPP 1.6 §7 dateTime) as a Timestamp. A time without an
    offset is taken as UTC, which OCPP 1.6 §3.11 asks stations to use."""
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else None
    except ValueError:
        moment = None
    if moment is None:
        raise FormatViolationError(
            description=f"{field} {text!r} is not an ISO 8601 date-time "
            "such as 2024-05-01T12:00:00Z"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def format_timestamp(stamp: Timestamp) -> str:
    """A Timestamp as OCPP answers carry it: UTC, millisecond precision, with "Z"."""
    moment = stamp.ToDatetime(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_number(text: str, field: str) -> float:
    """A decimal number sent as a string (OCPP 1.6 §7.45 SampledValue.value)."""
    if _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            return value
    raise PropertyConstraintViolationError(
        description=f"{field} {text!r} is not a decimal number (Raw values must be numeric)"
    )


def sampled_value(payload: Payload, field: str) -> meter_pb2.SampledValue:
    """One 1.6 SampledValue, with the 1.6 defaults for omitted fields. Signed data keeps
    its text in ``signed_data`` and has no numeric value."""
    text = str(payload["value"])
    sample = meter_pb2.SampledValue(
        measurand=payload.get("measurand") or DEFAULT_MEASURAND,
        unit=payload.get("unit") or DEFAULT_UNIT,
        context=payload.get("context") or DEFAULT_CONTEXT,
        phase=payload.get("phase") or "",
        location=payload.get("location") or DEFAULT_LOCATION,
    )
    if payload.get("format") == "SignedData":
        sample.signed_data = text
    else:
        sample.value = parse_number(text, f"{field}.value")
    return sample


def meter_values(values: list[Payload], field: str) -> list[meter_pb2.MeterValue]:
    return [
        meter_pb2.MeterValue(
            timestamp=parse_timestamp(value["timestamp"], f"{field}[{i}].timestamp"),
            sampled_values=[
                sampled_value(sample, f"{field}[{i}].sampledValue[{j}]")
                for j, sample in enumerate(value["sampled_value"])
            ],
        )
        for i, value in enumerate(values)
    ]
