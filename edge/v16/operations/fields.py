"""Field rules shared by the OCPP 1.6 operation translators: required values, enums,
connector numbers and date-times, each refused with a message that names the field of
the protobuf request (as the API client wrote it) and what it may be. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from ocpp.exceptions import OCPPError

from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.v16.values import format_timestamp, parse_timestamp


def choice(value: int, table: Mapping[Any, str], field: str, enum: EnumDescriptor) -> str:
    """The OCPP value of a protobuf enum value (``table`` maps the enum's numbers);
    INVALID_ARGUMENT naming the allowed values when it has none (unspecified, or a
    number the API does not define)."""
    text = table.get(value)
    if text is None:
        allowed = ", ".join(enum.values_by_number[number].name for number in table)
        known = enum.values_by_number.get(value)
        got = str(value) if known is None else known.name
        raise InvalidRequest(f"{field} must be one of {allowed}, got {got}")
    return text


def required(text: str, field: str) -> str:
    if not text:
        raise InvalidRequest(f"{field} is required")
    return text


def optional(text: str) -> str | None:
    """Proto3 cannot tell an empty string from an absent one; OCPP omits the field."""
    return text or None


def optional_count(value: int, field: str) -> int | None:
    """A count where 0 means "the station's default", so the field is omitted."""
    if value < 0:
        raise InvalidRequest(f"{field} must be 0 (the station's default) or more, got {value}")
    return value or None


def connector(evse_id: int, field: str = "evse_id", *, whole_station: bool = True) -> int:
    """An EVSE as an OCPP 1.6 connectorId: EVSE N is connector N (chargepoint.proto);
    0 is the whole charge point where the operation allows it."""
    lowest = 0 if whole_station else 1
    if evse_id < lowest:
        what = "0 (the whole charge point) or more" if whole_station else "1 or more"
        raise InvalidRequest(f"{field} must be {what}, got {evse_id}")
    return evse_id


def identifier(value: int, field: str) -> int:
    """An id the CSMS allocated (transaction, reservation): never 0."""
    if value <= 0:
        raise InvalidRequest(f"{field} is required (a positive id), got {value}")
    return value


def moment(message: Message, name: str) -> str | None:
    """An optional Timestamp field as an OCPP date-time (UTC, "Z")."""
    if not message.HasField(name):
        return None
    stamp = getattr(message, name)
    assert isinstance(stamp, Timestamp)
    return format_timestamp(stamp)


def required_moment(message: Message, name: str, field: str) -> str:
    text = moment(message, name)
    if text is None:
        raise InvalidRequest(f"{field} is required")
    return text


def answer_moment(text: str, field: str) -> Timestamp:
    """A date-time in a station's answer (the schema does not check the format)."""
    try:
        return parse_timestamp(text, field)
    except OCPPError as error:
        raise AnswerFault(str(error.description)) from None
