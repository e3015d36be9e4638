"""EdgeService operations end to end: the real edge with real gRPC and a raw OCPP-J 1.6
station over a real WebSocket, answering (or not) the CALLs the CSMS sends."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from typing import Any

import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from websockets.exceptions import ConnectionClosed

from csms.edge.v1 import edge_pb2, edge_pb2_grpc, operations_pb2
from edge.ocpp_version import OCPP16
from edge.operations.dispatcher import Dispatcher, wait_budget
from edge.operations.errors import Unsupported
from edge.server import RunningEdge
from edge.v16.operations import OPERATIONS
from tests.edge.v16.test_operations import CASES, request_message
from tests.support.remote_station import PATIENCE, edge_stub, remote_station

RESET = operations_pb2.ResetRequest(charge_point_id="CP-1", type=operations_pb2.ResetRequest.HARD)


def wire_cases() -> list[Any]:
    """For every typed operation: its first valid request and first valid answer fixture."""
    chosen: dict[str, dict[str, Any]] = {}
    for case in CASES:
        entry = chosen.setdefault(case["operation"], {})
        if "request" in case and "error" not in case:
            entry.setdefault("request", case)
        if "answer" in case and "answer_error" not in case:
            entry.setdefault("answer", case)
    return [pytest.param(name, pair, id=name) for name, pair in sorted(chosen.items())]


@pytest.mark.parametrize(("name", "pair"), wire_cases())
async def test_every_typed_operation_goes_over_the_wire(
    edge: RunningEdge, name: str, pair: dict[str, Any]
) -> None:
    request_case, answer_case = pair["request"], pair["answer"]
    fields = {**request_case["request"], "chargePointId": "CP-1"}
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(
            getattr(stub, name)(request_message(name, fields), timeout=PATIENCE)
        )
        frame = await station.next_call()
        assert frame[2:] == [_action(name), request_case["expected"]]
        await station.answer(frame, answer_case["answer"])
        response = await pending
    assert json_format.MessageToDict(response) == answer_case["expected"]


def _action(name: str) -> str:
    return OPERATIONS.typed[name].action


async def test_a_charge_point_that_is_not_connected_is_not_found(edge: RunningEdge) -> None:
    async with edge_stub(edge) as stub:
        for call in (
            stub.Reset(RESET, timeout=PATIENCE),
            stub.Send(edge_pb2.SendRequest(charge_point_id="CP-1", action="Reset"), timeout=5),
            stub.Disconnect(edge_pb2.DisconnectRequest(charge_point_id="CP-1"), timeout=5),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await call
            assert raised.value.code() == grpc.StatusCode.NOT_FOUND
            assert raised.value.details() == (
                "charge point CP-1 is not connected to the CSMS; operations reach it once it "
                "connects"
            )


async def test_an_invalid_request_is_refused_before_anything_is_sent(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.Reset(operations_pb2.ResetRequest(charge_point_id="CP-1"), timeout=5)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert raised.value.details() == "type must be one of SOFT, HARD, got TYPE_UNSPECIFIED"
        # The next frame the station sees is the next valid operation.
        pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
        frame = await station.next_call()
        assert frame[2:] == ["Reset", {"type": "Hard"}]
        await station.answer(frame, {"status": "Accepted"})
        assert (await pending).status == operations_pb2.OperationStatus.ACCEPTED


async def test_a_silent_station_gives_deadline_exceeded_and_stays_usable(
    edge: RunningEdge,
) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.Reset(RESET, timeout=1.0)
        assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        details = raised.value.details() or ""
        # The edge answers before the caller's own deadline fires, unless the machine is
        # so slow that gRPC's own "Deadline Exceeded" wins the race.
        assert "charge point CP-1 did not answer Reset within" in details or (
            details == "Deadline Exceeded"
        )
        late = await station.next_call()
        assert late[2] == "Reset"
        # A late answer is dropped, and the next call gets through.
        await station.answer(late, {"status": "Accepted"})
        pending = asyncio.ensure_future(
            stub.ClearCache(
                operations_pb2.ClearCacheRequest(charge_point_id="CP-1"), timeout=PATIENCE
            )
        )
        frame = await station.next_call()
        assert frame[2] == "ClearCache"
        await station.answer(frame, {"status": "Rejected"})
        assert (await pending).status == operations_pb2.OperationStatus.REJECTED


async def test_a_callerror_is_failed_precondition_with_error_info(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
        frame = await station.next_call()
        await station.refuse(frame, "NotSupported", "no resets here", {"hint": "power cycle"})
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await pending
    error = raised.value
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "charge point CP-1 answered Reset with NotSupported: no resets here"
    status = rpc_status.from_call(error)  # type: ignore[arg-type]  # an aio error is a Call
    assert status is not None
    (detail,) = status.details
    info = error_details_pb2.ErrorInfo()
    assert detail.Unpack(info)
    assert (info.reason, info.domain) == ("OCPP_CALL_ERROR", "ocpp")
    assert dict(info.metadata) == {"code": "NotSupported", "description": "no resets here"}


async def test_an_answer_that_breaks_the_schema_is_internal(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
        frame = await station.next_call()
        await station.answer(frame, {"status": "Maybe"})
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await pending
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    assert raised.value.details() == (
        "charge point CP-1 answered Reset with a payload that is not valid OCPP: "
        "status: 'Maybe' is not one of ['Accepted', 'Rejected']"
    )


async def test_a_station_that_closes_after_receiving_a_call_is_aborted_not_unknown(
    edge: RunningEdge,
) -> None:
    # A hard Reset reboots the station: it closes its socket before answering. The caller
    # learns that the CALL was sent, not that the station was never connected.
    async with edge_stub(edge) as stub:
        async with remote_station(edge, "CP-1") as station:
            pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
            await station.next_call()
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await pending
    assert raised.value.code() == grpc.StatusCode.ABORTED
    assert re.fullmatch(
        r"charge point CP-1 closed its connection after Reset was sent at \S+Z and before "
        r"answering it; the station may have acted on it \(a Reset reboots it\): check "
        r"before retrying",
        raised.value.details() or "",
    )
    info = _error_info(raised.value)
    assert (info.reason, info.metadata["action"], info.metadata["sent"]) == (
        "OCPP_CONNECTION_CLOSED",
        "Reset",
        "true",
    )


def _error_info(error: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]  # an aio error is a Call
    assert status is not None
    (detail,) = status.details
    info = error_details_pb2.ErrorInfo()
    assert detail.Unpack(info)
    return info


async def test_an_answer_sent_just_before_the_station_closes_is_returned(
    edge: RunningEdge,
) -> None:
    # A station answers Reset and closes its socket at once to reboot: the answer was read
    # before the close, so the caller gets it, not NOT_FOUND.
    async with edge_stub(edge) as stub:
        async with remote_station(edge, "CP-1") as station:
            pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
            frame = await station.next_call()
            await station.answer(frame, {"status": "Accepted"})
        reply = await pending
    assert reply.status == operations_pb2.OperationStatus.ACCEPTED


async def test_an_operation_a_version_lacks_is_unimplemented(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1"):
        dispatcher = Dispatcher(edge.registry, {}, itertools.count(1))
        with pytest.raises(Unsupported) as raised:
            await dispatcher.perform("Reset", "CP-1", RESET, 5.0)
    assert str(raised.value) == f"OCPP {OCPP16.name} has no Reset"
    assert raised.value.status == grpc.StatusCode.UNIMPLEMENTED


async def test_calls_to_one_station_are_serialised_while_others_are_served(
    edge: RunningEdge,
) -> None:
    """OCPP-J 1.6 §4.1.1: one CALL outstanding per station; other stations do not wait."""
    async with (
        remote_station(edge, "CP-A") as a,
        remote_station(edge, "CP-B") as b,
        edge_stub(edge) as stub,
    ):
        first = asyncio.ensure_future(
            stub.Reset(
                operations_pb2.ResetRequest(
                    charge_point_id="CP-A", type=operations_pb2.ResetRequest.SOFT
                ),
                timeout=PATIENCE,
            )
        )
        first_frame = await a.next_call()
        second = asyncio.ensure_future(
            stub.ClearCache(
                operations_pb2.ClearCacheRequest(charge_point_id="CP-A"), timeout=PATIENCE
            )
        )
        other = asyncio.ensure_future(
            stub.ClearCache(
                operations_pb2.ClearCacheRequest(charge_point_id="CP-B"), timeout=PATIENCE
            )
        )
        other_frame = await b.next_call()
        await b.answer(other_frame, {"status": "Accepted"})
        assert (await other).status == operations_pb2.OperationStatus.ACCEPTED
        assert not first.done() and not second.done()
        # The edge answers A's own CALL, and that answer is the next frame A sees: the
        # second CALL of the CSMS has not been sent while the first is unanswered.
        heartbeat = await a.call("Heartbeat", {})
        assert heartbeat[0] == 3
        await a.answer(first_frame, {"status": "Accepted"})
        second_frame = await a.next_call()
        assert second_frame[2] == "ClearCache"
        assert second_frame[1] != first_frame[1]
        await a.answer(second_frame, {"status": "Rejected"})
        assert (await first).status == operations_pb2.OperationStatus.ACCEPTED
        assert (await second).status == operations_pb2.OperationStatus.REJECTED


def _struct(payload: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(payload)
    return struct


async def test_send_returns_the_result(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        request = edge_pb2.SendRequest(
            charge_point_id="CP-1",
            action="GetConfiguration",
            payload=_struct({"key": ["HeartbeatInterval"]}),
        )
        pending = asyncio.ensure_future(stub.Send(request, timeout=PATIENCE))
        frame = await station.next_call()
        assert frame[2:] == ["GetConfiguration", {"key": ["HeartbeatInterval"]}]
        answer = {
            "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"}]
        }
        await station.answer(frame, answer)
        response = await pending
    assert response.WhichOneof("answer") == "result"
    assert json_format.MessageToDict(response.result) == answer


async def test_send_turns_whole_numbers_back_into_integers(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        request = edge_pb2.SendRequest(
            charge_point_id="CP-1",
            action="TriggerMessage",
            payload=_struct({"requestedMessage": "StatusNotification", "connectorId": 2}),
        )
        pending = asyncio.ensure_future(stub.Send(request, timeout=PATIENCE))
        frame = await station.next_call()
        raw = json.dumps(frame[3])
        assert raw == '{"requestedMessage": "StatusNotification", "connectorId": 2}'
        await station.answer(frame, {"status": "Accepted"})
        response = await pending
    assert json_format.MessageToDict(response.result) == {"status": "Accepted"}


async def test_send_returns_a_callerror_as_an_answer(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        request = edge_pb2.SendRequest(
            charge_point_id="CP-1", action="ClearCache", payload=_struct({})
        )
        pending = asyncio.ensure_future(stub.Send(request, timeout=PATIENCE))
        frame = await station.next_call()
        assert frame[2:] == ["ClearCache", {}]
        await station.refuse(frame, "InternalError", "cache is busy", {"retryIn": 5})
        response = await pending
    assert response.WhichOneof("answer") == "call_error"
    assert (response.call_error.code, response.call_error.description) == (
        "InternalError",
        "cache is busy",
    )
    assert json_format.MessageToDict(response.call_error.details) == {"retryIn": 5.0}


@pytest.mark.parametrize(
    ("action", "payload", "words"),
    [
        (
            "Reset",
            {"type": "Later"},
            "Reset would not be valid OCPP 1.6: type: 'Later' is not one of",
        ),
        ("Reset", {}, "Reset would not be valid OCPP 1.6: 'type' is a required property"),
        (
            "UnlockConnector",
            {"connectorId": 1.5},
            "valid OCPP 1.6: connectorId: 1.5 is not of type 'integer'",
        ),
        (
            "BootNotification",
            {"chargePointVendor": "V", "chargePointModel": "M"},
            "'BootNotification' is not an action a CSMS sends in OCPP 1.6; use one of: "
            "CancelReservation, CertificateSigned,",
        ),
        ("Fly", {}, "'Fly' is not an action a CSMS sends in OCPP 1.6"),
    ],
)
async def test_send_refuses_an_invalid_call_and_sends_nothing(
    edge: RunningEdge, action: str, payload: dict[str, Any], words: str
) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.Send(
                edge_pb2.SendRequest(
                    charge_point_id="CP-1", action=action, payload=_struct(payload)
                ),
                timeout=5,
            )
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert words in (raised.value.details() or "")
        # Nothing reached the station: its next frame is the answer to its own CALL.
        assert (await station.call("Heartbeat", {}))[0] == 3


async def test_disconnect_closes_the_socket_normally(edge: RunningEdge) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        await stub.Disconnect(edge_pb2.DisconnectRequest(charge_point_id="CP-1"), timeout=5)
        with pytest.raises(ConnectionClosed) as closed:
            await station.receive()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            1000,
            "disconnected by the CSMS operator",
        )
        await asyncio.wait_for(_until_disconnected(stub), PATIENCE)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.Disconnect(edge_pb2.DisconnectRequest(charge_point_id="CP-1"), timeout=5)
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND


async def _until_disconnected(stub: edge_pb2_grpc.EdgeServiceAsyncStub) -> None:
    """The session ends just after the socket closes; ask until it is gone, as a client
    would (the edge exposes no event for it)."""
    while True:
        listed = await stub.ListConnections(edge_pb2.ListConnectionsRequest(), timeout=5)
        if not listed.connections:
            return
        await asyncio.sleep(0.01)


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [(None, 30.0), (1.0, 0.9), (10.0, 9.5), (100.0, 30.0), (0.0, 0.0), (-1.0, 0.0)],
)
def test_the_wait_leaves_the_caller_time_to_read_the_answer(
    remaining: float | None, expected: float
) -> None:
    assert wait_budget(remaining, 30.0) == pytest.approx(expected)
