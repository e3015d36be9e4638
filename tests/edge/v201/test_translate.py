"""edge.v201.translate for OCPP 2.0.1 and 2.1, table-driven from JSON fixtures (each
payload and expected answer is also checked against its version's schema, so the
fixtures are real messages), plus properties of the sampled value parsing."""

from __future__ import annotations

import inspect
import json
import math
from decimal import Decimal
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
from edge import payload_schema
from edge.payload_schema import SchemaSet
from edge.v21 import schemas as schemas_v21
from edge.v21.translate import WORDS as WORDS_V21
from edge.v201 import schemas as schemas_v201
from edge.v201 import translate, values
from edge.v201.session import SessionV201
from edge.v201.translate import Vocabulary

pytestmark = pytest.mark.unit


FIXTURES = Path(__file__).parents[1] / "support" / "fixtures"
CHARGE_POINT = "CP-1"

VERSIONS: dict[str, tuple[str, Vocabulary, SchemaSet]] = {
    "v201": ("2.0.1", SessionV201.words, schemas_v201.SCHEMAS),
    "v21": ("2.1", WORDS_V21, schemas_v21.SCHEMAS),
}

# The action whose request (or answer) each translator reads (or builds).
ACTIONS = {
    "boot": "BootNotification",
    "heartbeat": "Heartbeat",
    "report": "NotifyReport",
    "status": "StatusNotification",
    "authorize": "Authorize",
    "transaction_event": "TransactionEvent",
    "meter_values": "MeterValues",
    "security_event": "SecurityEventNotification",
    "events": "NotifyEvent",
    "log_status": "LogStatusNotification",
    "firmware_status": "FirmwareStatusNotification",
    "data_transfer": "DataTransfer",
    "monitoring_report": "NotifyMonitoringReport",
}


def cases() -> list[Any]:
    found = []
    for folder in VERSIONS:
        for path in sorted((FIXTURES / folder).glob("*.json")):
            for case in json.loads(path.read_text()):
                found.append(pytest.param(folder, case, id=f"{folder}/{path.stem}: {case['name']}"))
    return found


def action_of(function: str) -> str:
    return ACTIONS[function.rsplit("_", 1)[0]]


def run(folder: str, case: dict[str, Any]) -> Any:
    version, words, _ = VERSIONS[folder]
    function = getattr(translate, case["function"])
    if "reply" in case:
        reply_class = symbol_database.Default().GetSymbol(case["reply_type"])
        return function(json_format.ParseDict(case["reply"], reply_class()), words)
    payload = case["payload"] if case.get("verbatim") else camel_to_snake_case(case["payload"])
    if "ocpp_version" in inspect.signature(function).parameters:
        return function(CHARGE_POINT, version, payload)
    return function(CHARGE_POINT, payload)


@pytest.mark.parametrize(("folder", "case"), cases())
def test_translation(folder: str, case: dict[str, Any]) -> None:
    schemas = VERSIONS[folder][2]
    action = action_of(case["function"])
    if "payload" in case:
        assert payload_schema.violation(schemas, action, case["payload"], answer=False) is None
    if "error" in case:
        with pytest.raises(OCPPError) as raised:
            run(folder, case)
        assert raised.value.code == case["error"]
        assert case["description_contains"] in raised.value.description
        return
    result = run(folder, case)
    if "reply" in case:
        actual = snake_to_camel_case(remove_nones(serialize_as_dict(result)))
        assert payload_schema.violation(schemas, action, actual, answer=True) is None
    else:
        actual = json_format.MessageToDict(result)
    assert actual == case["expected"]


def test_every_handled_request_has_a_fixture_in_each_version() -> None:
    for folder in VERSIONS:
        functions = {
            case["function"]
            for path in (FIXTURES / folder).glob("*.json")
            for case in json.loads(path.read_text())
        }
        assert {action_of(f) for f in functions} == set(ACTIONS.values()), folder


def test_follow_up_calls_are_valid_in_each_version() -> None:
    for _, words, schemas in VERSIONS.values():
        for call in (translate.base_report_call(3, words), translate.boot_trigger_call(words)):
            payload = snake_to_camel_case(remove_nones(serialize_as_dict(call)))
            action = type(call).__name__
            assert payload_schema.violation(schemas, action, payload, answer=False) is None


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(finite)
def test_a_value_without_multiplier_is_kept_exactly(value: float) -> None:
    sample = values.sampled_value({"value": value}, "v")
    assert sample.value == value
    assert (sample.measurand, sample.unit, sample.context, sample.location) == (
        "Energy.Active.Import.Register",
        "Wh",
        "Sample.Periodic",
        "Outlet",
    )


@given(finite, st.integers(min_value=-6, max_value=6))
def test_the_multiplier_scales_by_a_power_of_ten(value: float, multiplier: int) -> None:
    sample = values.sampled_value(
        {"value": value, "unit_of_measure": {"unit": "kWh", "multiplier": multiplier}}, "v"
    )
    assert sample.unit == "kWh"
    assert sample.value == float(Decimal(repr(value)) * Decimal(10) ** multiplier)
    assert math.isclose(sample.value, value * 10.0**multiplier, rel_tol=1e-12, abs_tol=1e-300)


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=6))
def test_integers_scaled_up_stay_integers(value: int, multiplier: int) -> None:
    sample = values.sampled_value(
        {"value": value, "unit_of_measure": {"multiplier": multiplier}}, "v"
    )
    assert sample.value == value * 10**multiplier


def test_a_multiplier_that_overflows_is_refused_and_named() -> None:
    with pytest.raises(OCPPError) as raised:
        values.sampled_value({"value": 1e300, "unit_of_measure": {"multiplier": 100}}, "mv[0]")
    assert raised.value.code == "PropertyConstraintViolation"
    assert "mv[0]" in raised.value.description
