"""edge.v16.operations, table-driven from JSON fixtures: every typed operation's request
and answer translators, each produced payload checked against the OCPP 1.6 schema the
``ocpp`` library ships (with the library's own validator, independently of the edge's)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format, symbol_database
from ocpp.charge_point import camel_to_snake_case
from ocpp.messages import Call, CallResult, validate_payload
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from csms.edge.v1 import edge_pb2
from edge.ocpp_version import OCPP16
from edge.operations.dispatcher import Reply, Resolved, ResolvingOperation, as_json, check_request
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.payload_schema import integral_numbers, violation
from edge.v16.operations import OPERATIONS, OUTGOING_ACTIONS
from edge.v16.schemas import SCHEMAS
from tests.support.certificates import substituted

pytestmark = pytest.mark.unit


FIXTURES = Path(__file__).parents[1] / "support" / "fixtures" / "v16" / "operations"
SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"]
# Not a typed operation sent to a station: sessions, health, statistics, the live events.
GENERIC = {
    "GetHealth",
    "ListConnections",
    "Disconnect",
    "Send",
    "GetStatistics",
    "ListServices",
    "WatchEvents",
}


def load() -> list[dict[str, Any]]:
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        for case in substituted(json.loads(path.read_text())):
            case["file"] = path.stem
            found.append(case)
    return found


CASES = load()


def params(kind: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{case['file']}: {case['name']}") for case in CASES if kind in case
    ]


def request_message(name: str, fields: dict[str, Any]) -> Any:
    message_class = symbol_database.Default().GetSymbol(
        SERVICE.methods_by_name[name].input_type.full_name
    )
    return json_format.ParseDict(fields, message_class())


def translate_request(
    name: str, fields: dict[str, Any], action: str = "", request_id: int = 0
) -> dict[str, Any]:
    """What the dispatcher does before sending: resolve (a 1.6 resolve step keeps the
    request, with the request id a case's "resolved" gives), translate, then check the
    schema. ``action``: the one the request selects when it is not the operation's own
    (ExtendedTriggerMessage)."""
    operation = OPERATIONS.typed[name]
    given: Any = request_message(name, fields)
    if isinstance(operation, ResolvingOperation):
        given = Resolved(given, request_id=request_id)
    payload = operation.request(given)
    assert type(payload).__name__ == (action or operation.action)
    produced = as_json(payload)
    check_request(SCHEMAS, OCPP16, type(payload).__name__, produced)
    return produced


@pytest.mark.parametrize("case", params("request"))
async def test_request(case: dict[str, Any]) -> None:
    request_id = case.get("resolved", {}).get("requestId", 0)
    if "error" in case:
        with pytest.raises(InvalidRequest) as raised:
            translate_request(case["operation"], case["request"], request_id=request_id)
        assert case["error"] in str(raised.value)
        return
    produced = translate_request(
        case["operation"], case["request"], case.get("action", ""), request_id
    )
    assert produced == case["expected"]
    action = case.get("action", OPERATIONS.typed[case["operation"]].action)
    # The library's own validator agrees (it mutates what it checks, hence the copy).
    await validate_payload(Call("1", action, copy.deepcopy(produced)), "1.6")


@pytest.mark.parametrize("case", params("answer"))
async def test_answer(case: dict[str, Any]) -> None:
    operation = OPERATIONS.typed[case["operation"]]
    assert violation(SCHEMAS, operation.action, case["answer"], answer=True) is None
    await validate_payload(CallResult("1", copy.deepcopy(case["answer"]), operation.action), "1.6")
    answer: Any = getattr(call_result, operation.action)(**camel_to_snake_case(case["answer"]))
    if isinstance(operation, ResolvingOperation):
        # The request this answers ("asked"): a 1.6 answer may not repeat what it is about.
        asked = request_message(case["operation"], case.get("asked", {}))
        request_id = case.get("resolved", {}).get("requestId", 0)
        answer = Reply(answer, Resolved(asked, request_id=request_id))
    if "answer_error" in case:
        with pytest.raises(AnswerFault) as raised:
            operation.answer(answer)
        assert case["answer_error"] in str(raised.value)
        return
    assert json_format.MessageToDict(operation.answer(answer)) == case["expected"]


# The typed operations OCPP 1.6 has no message for: they answer UNIMPLEMENTED.
NOT_IN_1_6 = frozenset(
    {
        "GetReport",
        "GetTransactionStatus",
        "UpdateCost",
        "GetVariables",
        "SetVariables",
        # Monitoring (OCPP 2.0.1 N02-N06).
        "SetVariableMonitoring",
        "ClearVariableMonitoring",
        "SetMonitoringBase",
        "SetMonitoringLevel",
        "GetMonitoringReport",
        "SetNetworkProfile",
        "GetChargingProfiles",
        "PublishFirmware",
        "UnpublishFirmware",
        # Issue 13: customer information and display messages are OCPP 2.x only.
        "CustomerInformation",
        "SetDisplayMessage",
        "GetDisplayMessages",
        "ClearDisplayMessage",
    }
)


def test_every_typed_rpc_has_a_1_6_operation_with_fixtures() -> None:
    typed = {method.name for method in SERVICE.methods} - GENERIC - NOT_IN_1_6
    assert set(OPERATIONS.typed) == typed
    for name in typed:
        kinds = {kind for case in CASES if case["operation"] == name for kind in case}
        assert {"request", "answer", "expected"} <= kinds, name
        assert any("error" in c for c in CASES if c["operation"] == name) or name in {
            "ClearCache",
            "GetLocalListVersion",
            "ChangeAvailability",
        }, f"{name} has no refusal case"


def test_every_outgoing_action_is_a_library_call_with_schemas() -> None:
    assert {action.value for action in Action} >= OUTGOING_ACTIONS
    for action in OUTGOING_ACTIONS:
        assert hasattr(call, action) and hasattr(call_result, action)
        SCHEMAS.load(action, answer=False)
        SCHEMAS.load(action, answer=True)
    assert {op.action for op in OPERATIONS.typed.values()} <= OUTGOING_ACTIONS


@pytest.mark.parametrize(
    ("action", "payload", "expected"),
    [
        ("Reset", {"type": "Hard"}, {"type": "Hard"}),
        ("UnlockConnector", {"connectorId": 1.0}, {"connectorId": 1}),
        ("GetConfiguration", {"key": ["A", "B"]}, {"key": ["A", "B"]}),
        (
            "SetChargingProfile",
            {
                "connectorId": 2.0,
                "csChargingProfiles": {
                    "chargingProfileId": 1.0,
                    "stackLevel": 0.0,
                    "chargingProfilePurpose": "TxProfile",
                    "chargingProfileKind": "Absolute",
                    "chargingSchedule": {
                        "chargingRateUnit": "A",
                        "chargingSchedulePeriod": [{"startPeriod": 0.0, "limit": 16.0}],
                    },
                },
            },
            {
                "connectorId": 2,
                "csChargingProfiles": {
                    "chargingProfileId": 1,
                    "stackLevel": 0,
                    "chargingProfilePurpose": "TxProfile",
                    "chargingProfileKind": "Absolute",
                    "chargingSchedule": {
                        "chargingRateUnit": "A",
                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}],
                    },
                },
            },
        ),
        # Through a local $ref (the security extension's schemas use them).
        (
            "ExtendedTriggerMessage",
            {"requestedMessage": "Heartbeat", "connectorId": 3.0},
            {"requestedMessage": "Heartbeat", "connectorId": 3},
        ),
        # A fraction stays a float, so the schema refuses it.
        ("UnlockConnector", {"connectorId": 1.5}, {"connectorId": 1.5}),
    ],
)
def test_integral_floats_become_integers_where_the_schema_wants_them(
    action: str, payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    converted = integral_numbers(SCHEMAS, action, payload)
    assert converted == expected
    assert [type(v) for v in _leaves(converted)] == [type(v) for v in _leaves(expected)]


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


@pytest.mark.parametrize(
    ("action", "payload", "answer", "expected"),
    [
        ("Reset", {"type": "Later"}, False, "type: 'Later' is not one of ['Hard', 'Soft']"),
        ("Reset", {}, False, "'type' is a required property"),
        (
            "UnlockConnector",
            {"connectorId": 1.5},
            False,
            "connectorId: 1.5 is not of type 'integer'",
        ),
        ("ResetX", {}, False, None),
        (
            "Reset",
            {"status": "Maybe"},
            True,
            "status: 'Maybe' is not one of ['Accepted', 'Rejected']",
        ),
        (
            "GetCompositeSchedule",
            {
                "status": "Accepted",
                "chargingSchedule": {
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 4.11}],
                },
            },
            True,
            "chargingSchedule.chargingSchedulePeriod[0].limit: 4.11 is not a multiple of 0.1",
        ),
    ],
)
def test_violations_name_the_field(
    action: str, payload: dict[str, Any], answer: bool, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(FileNotFoundError):
            violation(SCHEMAS, action, payload, answer=answer)
        return
    found = violation(SCHEMAS, action, payload, answer=answer)
    assert str(found) == expected
