"""edge.v16.translate, table-driven from JSON fixtures, plus properties of its parsers."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format, symbol_database
from hypothesis import given
from hypothesis import strategies as st
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import OCPPError

from csms.auth.v1 import auth_pb2  # noqa: F401  (registers the reply types)
from csms.chargepoint.v1 import chargepoint_pb2  # noqa: F401
from csms.transaction.v1 import transaction_pb2  # noqa: F401
from edge.v16 import translate, values

pytestmark = pytest.mark.unit


FIXTURES = Path(__file__).parents[1] / "support" / "fixtures" / "v16"
CHARGE_POINT = "CP-1"
DEFAULT_RECEIVED_AT = "2024-01-01T00:00:00Z"


def cases() -> list[Any]:
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        for case in json.loads(path.read_text()):
            found.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return found


def run(case: dict[str, Any]) -> Any:
    function = getattr(translate, case["function"])
    if "reply" in case:
        reply_class = symbol_database.Default().GetSymbol(case["reply_type"])
        return function(json_format.ParseDict(case["reply"], reply_class()))
    payload = camel_to_snake_case(case["payload"])
    if case["function"] == "status_request":
        received = case.get("received_at", DEFAULT_RECEIVED_AT).replace("Z", "+00:00")
        return function(CHARGE_POINT, payload, datetime.fromisoformat(received))
    return function(CHARGE_POINT, payload)


@pytest.mark.parametrize("case", cases())
def test_translation(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(OCPPError) as raised:
            run(case)
        assert raised.value.code == case["error"]
        assert case["description_contains"] in raised.value.description
        return
    result = run(case)
    if "reply" in case:
        actual = snake_to_camel_case(remove_nones(serialize_as_dict(result)))
    else:
        actual = json_format.MessageToDict(result)
    assert actual == case["expected"]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_number_survives_as_text(value: float) -> None:
    assert values.parse_number(repr(value), "value") == value


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_as_text(value: int) -> None:
    assert values.parse_number(str(value), "value") == float(value)


@given(st.text().filter(lambda t: not _is_decimal(t)))
def test_anything_else_is_refused_and_named(text: str) -> None:
    with pytest.raises(OCPPError) as raised:
        values.parse_number(text, "meterValue[0].sampledValue[0].value")
    assert raised.value.code == "PropertyConstraintViolation"
    assert repr(text) in raised.value.description


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "1e999", "1_000", " 12", "0x10", ""])
def test_non_decimal_spellings_are_refused(text: str) -> None:
    with pytest.raises(OCPPError):
        values.parse_number(text, "value")


def _is_decimal(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and text.strip() == text and "_" not in text and text.isascii()


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, None]),
    ),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_timestamps_round_trip_in_utc(moment: datetime, offset_minutes: int) -> None:
    """Whatever offset a station writes, the instant is kept and answers say it in UTC."""
    if moment.tzinfo is None:
        instant = moment.replace(tzinfo=UTC)
        text = moment.isoformat()
    else:
        shifted = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
        instant = moment
        text = shifted.isoformat()
    stamp = values.parse_timestamp(text, "timestamp")
    assert stamp.ToDatetime(tzinfo=UTC) == instant
    formatted = values.format_timestamp(stamp)
    assert formatted.endswith("Z")
    parsed_back = datetime.fromisoformat(formatted.replace("Z", "+00:00"))
    assert abs(parsed_back - instant) < timedelta(milliseconds=1)


@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=20))
def test_text_without_digits_is_no_timestamp(text: str) -> None:
    with pytest.raises(OCPPError) as raised:
        values.parse_timestamp(text, "timestamp")
    assert raised.value.code == "FormatViolation"
    assert "timestamp" in raised.value.description
