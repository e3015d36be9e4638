"""edge.framing: parsing frames, classifying schema violations, spelling error codes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ocpp.exceptions import (
    FormatViolationError,
    InternalError,
    OccurenceConstraintViolationError,
    OccurrenceConstraintViolationError,
    OCPPError,
)
from ocpp.messages import Call, CallError, CallResult

from edge import framing
from edge.ocpp_version import OCPP16, OCPP21, OCPP201, OcppVersion

pytestmark = pytest.mark.unit


def test_a_call() -> None:
    message = framing.parse('[2, "id-1", "Heartbeat", {}]')
    assert isinstance(message, Call)
    assert (message.unique_id, message.action, message.payload) == ("id-1", "Heartbeat", {})


def test_a_unique_id_of_36_characters_is_read() -> None:
    message = framing.parse(json.dumps([2, "u" * 36, "Heartbeat", {}]))
    assert isinstance(message, Call) and message.unique_id == "u" * 36


def test_a_call_result_and_error_in_bytes() -> None:
    assert isinstance(framing.parse(b'[3, "id-1", {"a": 1}]'), CallResult)
    error = framing.parse('[4, "id-1", "GenericError", "boom", {}]')
    assert isinstance(error, CallError)
    assert (error.error_code, error.error_description) == ("GenericError", "boom")


@pytest.mark.parametrize(
    ("frame", "unique_id", "problem", "answerable", "words"),
    [
        ("nope", "-1", framing.Problem.NOT_RPC, True, "not valid JSON"),
        (b"\xff\xfe", "-1", framing.Problem.NOT_RPC, True, "not UTF-8"),
        ('[2, "re\\"co", "A", {', 're"co', framing.Problem.NOT_RPC, True, "not valid JSON"),
        ("42", "-1", framing.Problem.NOT_RPC, True, "got a number"),
        ("[]", "-1", framing.Problem.NOT_RPC, True, "got an empty array"),
        ('[true, "x", "A", {}]', "x", framing.Problem.UNKNOWN_MESSAGE_TYPE, True, "true"),
        ('["2", "x", "A", {}]', "x", framing.Problem.UNKNOWN_MESSAGE_TYPE, True, '"2"'),
        ('[5, "x", {}]', "x", framing.Problem.UNKNOWN_MESSAGE_TYPE, True, "MessageTypeId 5"),
        ('[2, "x", "A"]', "x", framing.Problem.NOT_RPC, True, "a CALL has 4 elements"),
        (
            '[2, null, "A", {}]',
            "-1",
            framing.Problem.NOT_RPC,
            True,
            "uniqueId must be a string, got null",
        ),
        ('[2, "", "A", {}]', "-1", framing.Problem.NOT_RPC, True, "1 to 36 characters, got 0"),
        (
            '[2, "' + "i" * 37 + '", "A", {}]',
            "-1",
            framing.Problem.NOT_RPC,
            True,
            "uniqueId must be 1 to 36 characters, got 37",
        ),
        ('[3, "' + "i" * 37 + '", {}]', "-1", framing.Problem.NOT_RPC, False, "got 37"),
        ('[2, "' + "i" * 37 + '", "A", {', "-1", framing.Problem.NOT_RPC, True, "not valid JSON"),
        ('[3, "x"]', "x", framing.Problem.NOT_RPC, False, "a CALLRESULT has 3 elements"),
        ('[3, "x", "ok"]', "x", framing.Problem.NOT_RPC, False, "payload must be an object"),
        ('[4, "x", "E", "d"]', "x", framing.Problem.NOT_RPC, False, "a CALLERROR has 5"),
        ('[4, "x", "E", 1, {}]', "x", framing.Problem.NOT_RPC, False, "errorDescription"),
    ],
)
def test_bad_frames(
    frame: str | bytes, unique_id: str, problem: framing.Problem, answerable: bool, words: str
) -> None:
    with pytest.raises(framing.FrameError) as raised:
        framing.parse(frame)
    assert raised.value.unique_id == unique_id
    assert raised.value.problem is problem
    assert raised.value.answerable is answerable
    assert words in raised.value.description


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_json_either_parses_or_says_why(value: object) -> None:
    try:
        framing.parse(json.dumps(value))
    except framing.FrameError as error:
        assert error.description
        assert isinstance(error.unique_id, str)


@pytest.mark.parametrize(
    ("error", "version", "code"),
    [
        (FormatViolationError(), OCPP16, "FormationViolation"),
        (FormatViolationError(), OCPP201, "FormatViolation"),
        (OccurrenceConstraintViolationError(), OCPP16, "OccurenceConstraintViolation"),
        (OccurenceConstraintViolationError(), OCPP201, "OccurenceConstraintViolation"),
        (OccurenceConstraintViolationError(), OCPP21, "OccurrenceConstraintViolation"),
        (InternalError(), OCPP16, "InternalError"),
    ],
)
def test_codes_are_spelled_per_version(error: OCPPError, version: OcppVersion, code: str) -> None:
    assert framing.error_code(error, version.error_codes) == code


def test_frame_problems_per_version() -> None:
    bad_type = framing.FrameError(framing.Problem.UNKNOWN_MESSAGE_TYPE, "x", "-1", True)
    not_rpc = framing.FrameError(framing.Problem.NOT_RPC, "x", "-1", True)
    assert framing.frame_error_code(bad_type, OCPP16.error_codes) == "FormationViolation"
    assert framing.frame_error_code(not_rpc, OCPP16.error_codes) == "FormationViolation"
    assert framing.frame_error_code(bad_type, OCPP201.error_codes) == "MessageTypeNotSupported"
    assert framing.frame_error_code(not_rpc, OCPP21.error_codes) == "RpcFrameworkError"


@pytest.mark.parametrize(
    ("action", "payload", "code", "words"),
    [
        ("Authorize", {"idTag": "T"}, None, ""),
        ("Authorize", {}, "ProtocolError", "Authorize: 'idTag' is a required property"),
        ("Authorize", {"idTag": "x" * 21}, "TypeConstraintViolation", "idTag: "),
        ("Heartbeat", {"x": 1}, "FormatViolation", "('x' was unexpected)"),
        (
            "MeterValues",
            {"connectorId": 1, "meterValue": [{"timestamp": "t", "sampledValue": [{"value": 1}]}]},
            "TypeConstraintViolation",
            "meterValue[0].sampledValue[0].value: 1 is not of type 'string'",
        ),
        (
            "StopTransaction",
            {"meterStop": 1, "timestamp": "t", "transactionId": 1, "reason": "Bored"},
            "PropertyConstraintViolation",
            "reason: 'Bored' is not one of",
        ),
    ],
)
def test_schema_violations_name_the_field(
    action: str, payload: dict[str, object], code: str | None, words: str
) -> None:
    violation = framing.payload_violation(Call("id", action, payload), action, OCPP16)
    if code is None:
        assert violation is None
        return
    assert violation is not None
    assert violation.code == code
    assert words in violation.description


def test_call_error_frames_bound_the_description() -> None:
    frame = json.loads(framing.call_error("id-1", "GenericError", "y" * 1000))
    assert frame[:3] == [4, "id-1", "GenericError"]
    assert len(frame[3]) == framing.MAX_DESCRIPTION
    assert frame[4] == {}


@pytest.mark.parametrize(
    ("frame", "unique_id", "answerable", "words"),
    [
        ("[" * framing.MAX_DEPTH + "]" * framing.MAX_DEPTH, "-1", True, None),
        ("[" * (framing.MAX_DEPTH + 1) + "]" * (framing.MAX_DEPTH + 1), "-1", True, "32 levels"),
        ('[2, "d", "A", {"x": ' + "[" * 50_000 + "]" * 50_000 + "}]", "d", True, "32 levels"),
        ('[3, "d", {"x": ' + "[" * 50_000 + "]" * 50_000 + "}]", "d", False, "32 levels"),
        ('[2, "n", "A", {"x": NaN}]', "n", True, "NaN, Infinity"),
        ('[2, "n", "A", {"x": 1e999}]', "n", True, "±1.8e308"),
        ('[2, "s", "A", {"\\ud800": 1}]', "s", True, "lone UTF-16 surrogate"),
        ('[2, "\\u0000", "A", {}]', "-1", True, "NUL character"),
        ('[4, "e", "E", "\\u0000", {}]', "e", False, "NUL character"),
        ('[2, "i", "A", {"x": ' + "7" * 5000 + "}]", "i", True, "more than 4300 digits"),
    ],
)
def test_json_the_csms_cannot_carry(
    frame: str, unique_id: str, answerable: bool, words: str | None
) -> None:
    if words is None:
        with pytest.raises(framing.FrameError) as raised:  # deep enough, but not a message
            framing.parse(frame)
        assert "levels" not in raised.value.description
        return
    with pytest.raises(framing.FrameError) as raised:
        framing.parse(frame)
    assert (raised.value.unique_id, raised.value.answerable) == (unique_id, answerable)
    assert words in raised.value.description


@pytest.mark.parametrize(
    ("value", "violation"),
    [(2**31 - 1, None), (-(2**31), None), (2**31, "2147483648 is outside"), (-(2**31) - 1, "")],
)
def test_integers_are_32_bit(value: int, violation: str | None) -> None:
    call = Call("id", "StatusNotification", {"connectorId": value, "errorCode": "NoError"})
    call.payload["status"] = "Available"
    found = framing.payload_violation(call, "StatusNotification", OCPP16)
    if violation is None:
        assert found is None or "connectorId" not in found.description
        return
    assert found is not None
    assert found.code == "TypeConstraintViolation"
    assert f"connectorId: {value} is outside OCPP's 32-bit integer range" in found.description
    assert violation in found.description
