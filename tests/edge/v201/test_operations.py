"""edge.v201.operations, table-driven from JSON fixtures: every typed operation's request
and answer translators, each produced payload checked against the OCPP 2.0.1 schema the
``ocpp`` library ships (with the library's own validator, independently of the edge's).

The helpers here also run the 2.1 table (tests/edge/v21/test_operations.py): 2.1 keeps
these messages' shapes, so every 2.0.1 fixture must hold there too."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest.mock import ANY

import grpc
import pytest
from google.protobuf import json_format, symbol_database
from ocpp.charge_point import camel_to_snake_case
from ocpp.messages import Call, CallResult, validate_payload
from ocpp.v201 import call, call_result

from csms.edge.v1 import edge_pb2, operations_pb2
from edge.ocpp_version import OCPP201, OcppVersion
from edge.operations.dispatcher import Reply, Resolved, ResolvingOperation, as_json, check_request
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault, VersionOperations
from edge.payload_schema import SchemaSet, violation
from edge.server import RunningEdge
from edge.v201.operations import OPERATIONS, OUTGOING_ACTIONS
from edge.v201.schemas import SCHEMAS
from tests.support.certificates import certificate_pem, substituted
from tests.support.fake_services import Fakes
from tests.support.remote_station import RemoteStation, edge_stub, remote_station, remote_station_v2

FIXTURES = Path(__file__).parents[1] / "support" / "fixtures"
SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"]
GENERIC = {"GetHealth", "ListConnections", "Disconnect", "Send", "GetStatistics", "ListServices"}
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


V201 = Version(OPERATIONS, SCHEMAS, OCPP201, call, call_result, ("v201",))


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


def translate_request(version: Version, case: dict[str, Any]) -> dict[str, Any]:
    """What the dispatcher does before sending: resolve (here from the fixture),
    translate, then check the schema."""
    operation = version.operations.typed[case["operation"]]
    given = request_message(case["operation"], case["request"])
    assert isinstance(operation, ResolvingOperation) == ("resolved" in case), case["name"]
    if "resolved" in case:
        given = resolved(given, case["resolved"])
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


CASES = load(V201)


@pytest.mark.parametrize("case", params(CASES, "request"))
async def test_request(case: dict[str, Any]) -> None:
    await check_request_case(V201, case)


@pytest.mark.parametrize("case", params(CASES, "answer"))
async def test_answer(case: dict[str, Any]) -> None:
    await check_answer_case(V201, case)


def test_every_typed_rpc_has_a_2_0_1_operation_with_fixtures() -> None:
    check_coverage(V201, CASES)


def test_every_outgoing_action_is_a_library_call_with_schemas() -> None:
    check_outgoing(V201, OUTGOING_ACTIONS)


# ---- End to end: the real edge, fake services, a raw 2.0.1 station over websockets ----

# A certificate as GetInstalledCertificateIds reports it and DeleteCertificate names it.
HASH_DATA = {
    "hashAlgorithm": "SHA256",
    "issuerNameHash": "5f1c0a7e",
    "issuerKeyHash": "9a4b3c2d",
    "serialNumber": "1a2b3c",
}

# RPC, request fields, the frame's action and payload, the station's answer, the response.
WIRE_CASES: list[
    tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any], dict[str, Any]]
] = [
    (
        "RequestStartTransaction",
        {"idTag": "TAG-1", "evseId": 1},
        "RequestStartTransaction",
        {"idToken": {"idToken": "TAG-1", "type": "Central"}, "remoteStartId": ANY, "evseId": 1},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "UnlockConnector",
        {"evseId": 1},
        "UnlockConnector",
        {"evseId": 1, "connectorId": 1},
        {"status": "Unlocked"},
        {"status": "UNLOCKED"},
    ),
    (
        "Reset",
        {"type": "SOFT"},
        "Reset",
        {"type": "OnIdle"},
        {"status": "Scheduled"},
        {"status": "SCHEDULED"},
    ),
    (
        "ChangeAvailability",
        {"evseId": 2, "operative": True},
        "ChangeAvailability",
        {"operationalStatus": "Operative", "evse": {"id": 2}},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    ("ClearCache", {}, "ClearCache", {}, {"status": "Rejected"}, {"status": "REJECTED"}),
    (
        "DataTransfer",
        {"vendorId": "com.example", "data": "[1, 2]"},
        "DataTransfer",
        {"vendorId": "com.example", "data": [1, 2]},
        {"status": "Accepted", "data": {"ok": True}},
        {"status": "ACCEPTED", "data": '{"ok": true}'},
    ),
    (
        "GetConfiguration",
        {"keys": ["OCPPCommCtrlr.HeartbeatInterval", "X.Y"]},
        "GetVariables",
        {
            "getVariableData": [
                {
                    "attributeType": "Actual",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                },
                {"attributeType": "Actual", "component": {"name": "X"}, "variable": {"name": "Y"}},
            ]
        },
        {
            "getVariableResult": [
                {
                    "attributeStatus": "Accepted",
                    "attributeValue": "300",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                },
                {
                    "attributeStatus": "UnknownComponent",
                    "component": {"name": "X"},
                    "variable": {"name": "Y"},
                },
            ]
        },
        {
            "configurationKeys": [{"key": "OCPPCommCtrlr.HeartbeatInterval", "value": "300"}],
            "unknownKeys": ["X.Y"],
        },
    ),
    (
        "ChangeConfiguration",
        {"key": "OCPPCommCtrlr.HeartbeatInterval", "value": "60"},
        "SetVariables",
        {
            "setVariableData": [
                {
                    "attributeType": "Actual",
                    "attributeValue": "60",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                }
            ]
        },
        {
            "setVariableResult": [
                {
                    "attributeStatus": "RebootRequired",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                }
            ]
        },
        {"status": "REBOOT_REQUIRED"},
    ),
    ("GetLocalListVersion", {}, "GetLocalListVersion", {}, {"versionNumber": 3}, {"version": 3}),
    (
        "SendLocalList",
        {"version": 4, "updateType": "DIFFERENTIAL", "entries": [{"idTag": "CARD-9"}]},
        "SendLocalList",
        {
            "versionNumber": 4,
            "updateType": "Differential",
            "localAuthorizationList": [{"idToken": {"idToken": "CARD-9", "type": "ISO14443"}}],
        },
        {"status": "Failed"},
        {"status": "FAILED"},
    ),
    (
        "TriggerMessage",
        {"requestedMessage": "STATUS_NOTIFICATION", "evseId": 1},
        "TriggerMessage",
        {"requestedMessage": "StatusNotification", "evse": {"id": 1, "connectorId": 1}},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "UpdateFirmware",
        {"location": "https://fw/x.bin", "retrieveAt": "2024-05-01T12:00:00Z"},
        "UpdateFirmware",
        {
            "requestId": ANY,
            "firmware": {
                "location": "https://fw/x.bin",
                "retrieveDateTime": "2024-05-01T12:00:00.000Z",
            },
        },
        {"status": "Accepted"},
        {"status": "Accepted"},
    ),
    (
        "GetDiagnostics",
        {"location": "ftp://logs/", "logType": "SECURITY", "requestId": 77},
        "GetLog",
        {"logType": "SecurityLog", "requestId": 77, "log": {"remoteLocation": "ftp://logs/"}},
        {"status": "Accepted", "filename": "security.log"},
        {"status": "Accepted", "fileName": "security.log"},
    ),
    (
        "ReserveNow",
        {"evseId": 1, "expiresAt": "2024-05-01T13:00:00Z", "idTag": "CARD-1", "reservationId": 5},
        "ReserveNow",
        {
            "id": 5,
            "expiryDateTime": "2024-05-01T13:00:00.000Z",
            "idToken": {"idToken": "CARD-1", "type": "ISO14443"},
            "evseId": 1,
        },
        {"status": "Occupied"},
        {"status": "OCCUPIED"},
    ),
    (
        "CancelReservation",
        {"reservationId": 5},
        "CancelReservation",
        {"reservationId": 5},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "SetChargingProfile",
        {
            "evseId": 1,
            "chargingProfile": {
                "id": 3,
                "purpose": "TX_DEFAULT_PROFILE",
                "kind": "ABSOLUTE",
                "schedule": {"rateUnit": "A", "periods": [{"limit": 16}]},
            },
        },
        "SetChargingProfile",
        {
            "evseId": 1,
            "chargingProfile": {
                "id": 3,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Absolute",
                "chargingSchedule": [
                    {
                        "id": 3,
                        "chargingRateUnit": "A",
                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}],
                    }
                ],
            },
        },
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "ClearChargingProfile",
        {"chargingProfileId": 3},
        "ClearChargingProfile",
        {"chargingProfileId": 3},
        {"status": "Unknown"},
        {"status": "UNKNOWN"},
    ),
    (
        "GetCompositeSchedule",
        {"evseId": 1, "durationSeconds": 60},
        "GetCompositeSchedule",
        {"duration": 60, "evseId": 1},
        {"status": "Rejected"},
        {"status": "REJECTED"},
    ),
    (
        "GetReport",
        {"requestId": 31, "base": "SUMMARY_INVENTORY"},
        "GetBaseReport",
        {"requestId": 31, "reportBase": "SummaryInventory"},
        {"status": "Accepted"},
        {"status": "Accepted", "requestId": 31},
    ),
    (
        "GetTransactionStatus",
        {},
        "GetTransactionStatus",
        {},
        {"messagesInQueue": True},
        {"messagesInQueue": True},
    ),
    (
        "InstallCertificate",
        {"certificateType": "CSMS_ROOT", "certificate": certificate_pem()},
        "InstallCertificate",
        {"certificateType": "CSMSRootCertificate", "certificate": certificate_pem()},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "GetInstalledCertificateIds",
        {"certificateTypes": ["CSMS_ROOT"]},
        "GetInstalledCertificateIds",
        {"certificateType": ["CSMSRootCertificate"]},
        {
            "status": "Accepted",
            "certificateHashDataChain": [
                {"certificateType": "CSMSRootCertificate", "certificateHashData": HASH_DATA}
            ],
        },
        {
            "status": "ACCEPTED",
            "certificates": [{"certificateType": "CSMS_ROOT", "certificateHashData": HASH_DATA}],
        },
    ),
    (
        "DeleteCertificate",
        {"certificateHashData": HASH_DATA},
        "DeleteCertificate",
        {"certificateHashData": HASH_DATA},
        {"status": "NotFound"},
        {"status": "NOT_FOUND"},
    ),
    (
        "TriggerMessage",
        {"requestedMessage": "SIGN_CHARGE_POINT_CERTIFICATE"},
        "TriggerMessage",
        {"requestedMessage": "SignChargingStationCertificate"},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
]

STARTED = {
    "eventType": "Started",
    "timestamp": "2024-05-01T12:00:00Z",
    "triggerReason": "RemoteStart",
    "seqNo": 0,
    "transactionInfo": {"transactionId": "b3f1-77"},
    "evse": {"id": 1, "connectorId": 1},
}


async def exchange(
    stub: Any, station: RemoteStation, rpc: str, fields: dict[str, Any], answer: dict[str, Any]
) -> tuple[list[Any], Any]:
    """Call ``rpc``, receive the CALL the station gets, answer it: (frame, response)."""
    request = request_message(rpc, {"chargePointId": "CS-OPS", **fields})
    pending = asyncio.ensure_future(getattr(stub, rpc)(request))
    frame = await station.next_call()
    await station.answer(frame, answer)
    return frame, await pending


async def test_every_operation_over_the_wire(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        for rpc, fields, action, payload, answer, expected in WIRE_CASES:
            frame, response = await exchange(stub, station, rpc, fields, answer)
            assert frame[2:] == [action, payload], rpc
            assert json_format.MessageToDict(response) == expected, rpc


async def test_allocated_request_ids_differ(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        ids = []
        for _ in range(2):
            frame, response = await exchange(stub, station, "GetReport", {}, {"status": "Accepted"})
            ids.append(frame[3]["requestId"])
            assert response.request_id == frame[3]["requestId"]
        assert ids[0] != ids[1]


async def test_request_stop_names_the_station_transaction(edge: RunningEdge, fakes: Fakes) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        assert (await station.call("TransactionEvent", STARTED))[0] == 3
        frame, response = await exchange(
            stub, station, "RequestStopTransaction", {"transactionId": 7}, {"status": "Accepted"}
        )
        assert frame[2:] == ["RequestStopTransaction", {"transactionId": "b3f1-77"}]
        assert response.status == operations_pb2.OperationStatus.ACCEPTED
        frame, response = await exchange(
            stub,
            station,
            "GetTransactionStatus",
            {"transactionId": 7},
            {"ongoingIndicator": True, "messagesInQueue": False},
        )
        assert frame[2:] == ["GetTransactionStatus", {"transactionId": "b3f1-77"}]
        assert response.HasField("ongoing") and response.ongoing
    assert [r.id for r in fakes.recorder.requests("GetTransaction")] == [7, 7]


async def test_an_unknown_transaction_is_not_found_and_nothing_is_sent(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.RequestStopTransaction(
                operations_pb2.RequestStopTransactionRequest(
                    charge_point_id="CS-OPS", transaction_id=99
                )
            )
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
        assert "no transaction 99" in (raised.value.details() or "")
        # The next frame the station sees is the answer to its own call: nothing was sent.
        assert (await station.call("Heartbeat", {}))[0] == 3


async def test_a_1_6_transaction_cannot_be_named_in_2_0_1(edge: RunningEdge) -> None:
    start = {
        "connectorId": 1,
        "idTag": "TAG-1",
        "meterStart": 0,
        "timestamp": "2024-05-01T12:00:00Z",
    }
    async with remote_station(edge, "CS-UP") as old:
        assert (await old.call("StartTransaction", start))[2]["transactionId"] == 7
    async with remote_station_v2(edge, "CS-UP") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.RequestStopTransaction(
                operations_pb2.RequestStopTransactionRequest(
                    charge_point_id="CS-UP", transaction_id=7
                )
            )
        assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "has no OCPP 2.x transactionId" in (raised.value.details() or "")
        assert (await station.call("Heartbeat", {}))[0] == 3


async def test_a_call_error_is_a_failed_precondition(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(
            stub.Reset(
                operations_pb2.ResetRequest(
                    charge_point_id="CS-OPS", type=operations_pb2.ResetRequest.HARD
                )
            )
        )
        frame = await station.next_call()
        assert frame[2:] == ["Reset", {"type": "Immediate"}]
        await station.refuse(frame, "NotSupported", "no resets here")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await pending
        assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "NotSupported: no resets here" in (raised.value.details() or "")


async def test_an_empty_get_configuration_is_refused_before_sending(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetConfiguration(
                operations_pb2.GetConfigurationRequest(charge_point_id="CS-OPS")
            )
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "use GetReport" in (raised.value.details() or "")
        assert (await station.call("Heartbeat", {}))[0] == 3


@pytest.mark.parametrize("rpc", ["GetReport", "GetTransactionStatus"])
async def test_the_new_rpcs_are_unimplemented_in_1_6(edge: RunningEdge, rpc: str) -> None:
    async with remote_station(edge, "CP-16"), edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await getattr(stub, rpc)(request_message(rpc, {"chargePointId": "CP-16"}))
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert raised.value.details() == f"OCPP 1.6 has no {rpc}"
