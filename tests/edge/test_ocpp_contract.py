"""What the project relies on in the ``ocpp`` library, held to the installed version.

``pyproject.toml`` admits the versions this test has passed against (``ocpp>=2.1.0,<2.2``).
Raising that bound is running this test against the new version first: a library that
changes one of these breaks it here, not in a station's session.

The edge uses only the library's vocabulary (message classes, conversions, exceptions,
dataclasses, enums, schema files) and none of its ``ChargePoint``: its sessions read,
route and correlate frames themselves (``edge/session.py``). The simulator builds on
``ChargePoint`` as a station would, and with it on a few of its private members; those are
the last section here.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ocpp.v16
import ocpp.v21
import ocpp.v201
import pytest
from ocpp import exceptions
from ocpp.charge_point import (
    ChargePoint,
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.messages import Call, CallError, CallResult, MessageType, get_validator

from edge.session import Session
from edge.version_table import SESSION_CLASSES

pytestmark = pytest.mark.unit


# --- the edge: frames ---


def test_the_message_classes_frame_as_ocpp_j_lays_frames_out() -> None:
    # OCPP-J 1.6 §4.2.1-§4.2.3: [2, id, action, payload], [3, id, payload],
    # [4, id, code, description, details].
    call = Call("c1", "Heartbeat", {"a": 1})
    assert (call.message_type_id, call.unique_id, call.action, call.payload) == (
        MessageType.Call,
        "c1",
        "Heartbeat",
        {"a": 1},
    )
    assert json.loads(call.to_json()) == [2, "c1", "Heartbeat", {"a": 1}]
    result = CallResult("c1", {"b": 2}, action="Heartbeat")
    assert (result.unique_id, result.payload, result.action) == ("c1", {"b": 2}, "Heartbeat")
    assert json.loads(result.to_json()) == [3, "c1", {"b": 2}]
    error = CallError("c1", "GenericError", "why", {"x": 1})
    assert (error.error_code, error.error_description, error.error_details) == (
        "GenericError",
        "why",
        {"x": 1},
    )
    assert json.loads(error.to_json()) == [4, "c1", "GenericError", "why", {"x": 1}]
    assert (MessageType.Call, MessageType.CallResult, MessageType.CallError) == (2, 3, 4)


@pytest.mark.parametrize("version", ["1.6", "2.0.1", "2.1"])
def test_get_validator_gives_the_action_s_schema(version: str) -> None:
    request = get_validator(MessageType.Call, "Heartbeat", version, parse_float=float)
    answer = get_validator(MessageType.CallResult, "Heartbeat", version)
    assert request.schema["type"] == answer.schema["type"] == "object"
    assert "currentTime" in answer.schema["properties"]


@pytest.mark.parametrize(
    ("package", "request_name"),
    [(ocpp.v16, "Reset.json"), (ocpp.v201, "ResetRequest.json"), (ocpp.v21, "ResetRequest.json")],
)
def test_the_schema_files_lie_where_the_edge_reads_them(package: Any, request_name: str) -> None:
    # edge/v16/schemas.py, edge/v201/schemas.py, edge/v21/schemas.py
    directory = Path(package.__file__).parent / "schemas"
    assert (directory / request_name).is_file()
    assert (directory / "ResetResponse.json").is_file()


# --- the edge: payloads ---


@dataclass
class _Nested:
    id_tag: str
    expiry_date: str | None = None


def test_the_conversions_the_edge_applies_to_every_payload() -> None:
    assert camel_to_snake_case({"idTagInfo": {"parentIdTag": "P"}, "meterStart": 1}) == {
        "id_tag_info": {"parent_id_tag": "P"},
        "meter_start": 1,
    }
    assert snake_to_camel_case({"id_tag_info": {"parent_id_tag": "P"}}) == {
        "idTagInfo": {"parentIdTag": "P"}
    }
    as_dict = serialize_as_dict(_Nested("T"))
    assert as_dict == {"id_tag": "T", "expiry_date": None}
    assert remove_nones(as_dict) == {"id_tag": "T"}


@pytest.mark.parametrize(
    ("error_class", "code"),
    [
        (exceptions.InternalError, "InternalError"),
        (exceptions.NotImplementedError, "NotImplemented"),
        (exceptions.FormatViolationError, "FormatViolation"),
        # The library's spelling, which edge.framing.error_code maps to each version's.
        (exceptions.OccurenceConstraintViolationError, "OccurenceConstraintViolation"),
        (exceptions.PropertyConstraintViolationError, "PropertyConstraintViolation"),
        (exceptions.ProtocolError, "ProtocolError"),
        (exceptions.TypeConstraintViolationError, "TypeConstraintViolation"),
    ],
)
def test_the_exceptions_carry_their_code_and_description(error_class: Any, code: str) -> None:
    error = error_class(description="what to change")
    assert isinstance(error, exceptions.OCPPError)
    assert (error.code, error.description) == (code, "what to change")


@pytest.mark.parametrize("session_class", SESSION_CLASSES.values(), ids=lambda c: c.__name__)
def test_every_action_a_session_answers_has_the_library_s_result_class(
    session_class: type[Session],
) -> None:
    for action in session_class.handlers:
        assert inspect.isclass(getattr(session_class.call_results, action))


def test_the_edge_builds_on_no_charge_point() -> None:
    for session_class in SESSION_CLASSES.values():
        assert not issubclass(session_class, ChargePoint)


# --- the simulator: ChargePoint, and the private members it sets ---


@pytest.mark.parametrize(
    ("charge_point", "package", "version"),
    [
        (ocpp.v16.ChargePoint, ocpp.v16, "1.6"),
        (ocpp.v201.ChargePoint, ocpp.v201, "2.0.1"),
        (ocpp.v21.ChargePoint, ocpp.v21, "2.1"),
    ],
)
def test_a_version_s_charge_point_names_its_vocabulary_as_the_simulator_sets_it(
    charge_point: Any, package: Any, version: str
) -> None:
    # simulator/v2/station.py, simulator/station_v201.py, simulator/station_v21.py set
    # these three on their own subclasses of ChargePoint.
    assert charge_point._call is package.call
    assert charge_point._call_result is package.call_result
    assert charge_point._ocpp_version == version


def test_charge_point_call_takes_what_the_simulator_passes() -> None:
    parameters = inspect.signature(ChargePoint.call).parameters
    assert {"payload", "suppress", "unique_id"} <= set(parameters)
    assert {"start", "route_message"} <= set(vars(ChargePoint))


def test_charge_point_keeps_its_connection_where_a_simulator_test_closes_it() -> None:
    # tests/simulator/test_core_v16.py closes a station's socket through it.
    connection = object()
    assert ChargePoint("CP-1", connection)._connection is connection
