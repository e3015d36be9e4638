"""edge.v201.operations end to end: the real edge, fake services, a raw 2.0.1 station over
websockets; every operation over the wire, request ids, transactions named by the station's id,
CALLERRORs and refusals before sending."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf import json_format

from csms.edge.v1 import operations_pb2
from edge.server import RunningEdge
from tests.edge.support.operation_table import (
    request_message,
)
from tests.edge.support.wire_cases import STARTED, WIRE_CASES, exchange
from tests.support.fake_services import Fakes
from tests.support.remote_station import edge_stub, remote_station, remote_station_v2


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


@pytest.mark.parametrize(
    "rpc",
    [
        "GetReport",
        "GetTransactionStatus",
        "GetVariables",
        "SetVariables",
        "GetChargingProfiles",
        "PublishFirmware",
        "UnpublishFirmware",
    ],
)
async def test_the_new_rpcs_are_unimplemented_in_1_6(edge: RunningEdge, rpc: str) -> None:
    async with remote_station(edge, "CP-16"), edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await getattr(stub, rpc)(request_message(rpc, {"chargePointId": "CP-16"}))
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert raised.value.details() == f"OCPP 1.6 has no {rpc}"


async def test_a_remote_start_sends_the_stored_id_token_type(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.token_types["NL-TNM-C00122045-K"] = "eMAID"
    async with remote_station_v2(edge, "CS-OPS") as station, edge_stub(edge) as stub:
        stored = {"idTag": "NL-TNM-C00122045-K"}
        frame, _ = await exchange(
            stub, station, "RequestStartTransaction", stored, {"status": "Accepted"}
        )
        assert frame[3]["idToken"] == {"idToken": "NL-TNM-C00122045-K", "type": "eMAID"}
        # The operator's type wins, and is not looked up.
        named = {"idTag": "NL-TNM-C00122045-K", "idTokenType": "KeyCode"}
        frame, _ = await exchange(
            stub, station, "RequestStartTransaction", named, {"status": "Accepted"}
        )
        assert frame[3]["idToken"]["type"] == "KeyCode"
        assert fakes.recorder.token_lookups == ["NL-TNM-C00122045-K"]


async def test_a_remote_start_is_not_sent_when_auth_cannot_say_the_type(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.failures["GetIdTag"] = (grpc.StatusCode.UNAVAILABLE, "auth is down")
    async with remote_station_v2(edge, "CS-OPS"), edge_stub(edge) as stub:
        request = operations_pb2.RequestStartTransactionRequest(
            charge_point_id="CS-OPS", id_tag="TAG-1"
        )
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RequestStartTransaction(request)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    assert "name id_token_type" in (caught.value.details() or "")


async def test_a_16_remote_start_asks_no_type(edge: RunningEdge, fakes: Fakes) -> None:
    # A 1.6 idTag has no type: nothing to look up, so auth_svc being down does not matter.
    fakes.recorder.failures["GetIdTag"] = (grpc.StatusCode.UNAVAILABLE, "auth is down")
    async with remote_station(edge, "CP-16") as station, edge_stub(edge) as stub:
        request = operations_pb2.RequestStartTransactionRequest(
            charge_point_id="CP-16", id_tag="TAG-1", evse_id=1
        )
        pending = asyncio.ensure_future(stub.RequestStartTransaction(request))
        frame = await station.next_call()
        assert frame[2:] == ["RemoteStartTransaction", {"connectorId": 1, "idTag": "TAG-1"}]
        await station.answer(frame, {"status": "Accepted"})
        assert (await pending).status == operations_pb2.OperationStatus.ACCEPTED
    assert fakes.recorder.token_lookups == []
