"""Table-driven checks of a version's typed operations against its JSON fixtures
(support/fixtures/<version>/operations/): each request and answer translator, each produced
payload checked against the OCPP schema the ``ocpp`` library ships (with the library's own
validator, independently of the edge's). Run for 2.0.1 (tests/edge/v201/test_operations.py) and
2.1 (tests/edge/v21/test_operations.py): 2.1 keeps these messages' shapes, so every 2.0.1
fixture must hold there too."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from google.protobuf import json_format, symbol_database
from ocpp.charge_point import camel_to_snake_case
from ocpp.messages import Call, CallResult, validate_payload

from csms.chargepoint.v1 import chargepoint_pb2
from csms.edge.v1 import edge_pb2
from edge.ocpp_version import OcppVersion
from edge.operations.batches import BatchedOperation
from edge.operations.dispatcher import Reply, Resolved, ResolvingOperation, as_json, check_request
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault, VersionOperations
from edge.payload_schema import SchemaSet, violation
from tests.support.certificates import substituted

FIXTURES = Path(__file__).parents[1] / "support" / "fixtures"
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
# Operations whose every request translates: nothing to refuse.
NO_REFUSAL = {"ClearCache", "GetLocalListVersion", "RequestStopTransaction", "GetTransactionStatus"}


@dataclass(frozen=True)
class Version:
    operations: VersionOperations
    schemas: SchemaSet
    version: OcppVersion
    calls: ModuleType
    results: ModuleType
    folders: tuple[str, ...]


def load(version: Version) -> list[dict[str, Any]]:
    found = []
    for folder in version.folders:
        for path in sorted((FIXTURES / folder / "operations").glob("*.json")):
            for case in substituted(json.loads(path.read_text())):
                if version.version.name in case.get("not_in", []):
                    continue
                case["file"] = f"{folder}/{path.stem}"
                found.append(case)
    return found


def params(cases: list[dict[str, Any]], kind: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{case['file']}: {case['name']}") for case in cases if kind in case
    ]


def request_message(name: str, fields: dict[str, Any]) -> Any:
    message_class = symbol_database.Default().GetSymbol(
        SERVICE.methods_by_name[name].input_type.full_name
    )
    return json_format.ParseDict(fields, message_class())


def resolved(request: Any, fields: dict[str, Any]) -> Resolved:
    return Resolved(
        request,
        request_id=fields.get("requestId", 0),
        station_transaction_id=fields.get("stationTransactionId", ""),
    )


def known_variables(case: dict[str, Any]) -> list[chargepoint_pb2.ReportedVariable] | None:
    """The station's complete device model a case gives ("known"), or None."""
    if "known" not in case:
        return None
    return [json_format.ParseDict(v, chargepoint_pb2.ReportedVariable()) for v in case["known"]]


def translate_request(version: Version, case: dict[str, Any]) -> dict[str, Any]:
    """What the dispatcher does before sending: resolve (here from the fixture),
    translate, then check the schema."""
    operation = version.operations.typed[case["operation"]]
    given = request_message(case["operation"], case["request"])
    assert isinstance(operation, ResolvingOperation) == ("resolved" in case), case["name"]
    if "resolved" in case:
        given = resolved(given, case["resolved"])
    if isinstance(operation, BatchedOperation):
        # One batch of every item: the split is tested in tests/edge/operations.
        given = operation.items(given, known_variables(case))
    payload = operation.request(given)
    # The action sent: the operation's own, unless the case says the request selects
    # another (GetReport's filters select GetReport over GetBaseReport).
    assert type(payload).__name__ == case.get("action", operation.action)
    assert type(payload).__module__ == version.calls.__name__
    produced = as_json(payload)
    check_request(version.schemas, version.version, type(payload).__name__, produced)
    return produced


async def check_request_case(version: Version, case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(InvalidRequest) as raised:
            translate_request(version, case)
        assert case["error"] in str(raised.value)
        return
    produced = translate_request(version, case)
    assert produced == case["expected"]
    action = case.get("action", version.operations.typed[case["operation"]].action)
    # The library's own validator agrees (it mutates what it checks, hence the copy).
    await validate_payload(Call("1", action, copy.deepcopy(produced)), version.version.name)


async def check_answer_case(version: Version, case: dict[str, Any]) -> None:
    operation = version.operations.typed[case["operation"]]
    assert violation(version.schemas, operation.action, case["answer"], answer=True) is None
    await validate_payload(
        CallResult("1", copy.deepcopy(case["answer"]), operation.action), version.version.name
    )
    answer: Any = getattr(version.results, operation.action)(**camel_to_snake_case(case["answer"]))
    if isinstance(operation, ResolvingOperation):
        answer = Reply(answer, resolved(None, case.get("resolved", {})))
    if isinstance(operation, BatchedOperation):
        # The request the answer is to ("asked": a case with "request" is a request case).
        items = operation.items(request_message(case["operation"], case["asked"]), None)
        answer = [(items, answer)]
    if "answer_error" in case:
        with pytest.raises(AnswerFault) as raised:
            operation.answer(answer)
        assert case["answer_error"] in str(raised.value)
        return
    assert json_format.MessageToDict(operation.answer(answer)) == case["expected"]


def check_coverage(version: Version, cases: list[dict[str, Any]]) -> None:
    typed = {method.name for method in SERVICE.methods} - GENERIC
    assert set(version.operations.typed) == typed
    for name in typed:
        kinds = {kind for case in cases if case["operation"] == name for kind in case}
        assert {"request", "answer", "expected"} <= kinds, name
        assert name in NO_REFUSAL or any(
            "error" in case for case in cases if case["operation"] == name
        ), f"{name} has no refusal case"


def check_outgoing(version: Version, outgoing: frozenset[str]) -> None:
    for action in outgoing:
        assert hasattr(version.calls, action) and hasattr(version.results, action), action
        version.schemas.load(action, answer=False)
        version.schemas.load(action, answer=True)
    assert {op.action for op in version.operations.typed.values()} <= outgoing
    assert version.operations.outgoing_actions == outgoing
