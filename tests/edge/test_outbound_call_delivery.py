"""Operator calls to a station that does not answer, or answers wrongly, through the real
EdgeService and a real WebSocket station: what the station receives, and what each caller
is told (issue 12, defects 2 and 8)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from csms.edge.v1 import edge_pb2_grpc, operations_pb2
from edge.server import RunningEdge
from tests.support.remote_station import PATIENCE, RemoteStation, edge_stub, remote_station
from tests.support.waiting import settled

# The callers' own gRPC deadline: long enough that the edge's margin (0.5 s) keeps its
# answer ahead of the caller's deadline even on a loaded machine.
DEADLINE = 5.0

RESET = operations_pb2.ResetRequest(charge_point_id="CP-1", type=operations_pb2.ResetRequest.HARD)
UNLOCK = operations_pb2.UnlockConnectorRequest(charge_point_id="CP-1", evse_id=1)
CLEAR = operations_pb2.ClearCacheRequest(charge_point_id="CP-1")


def _info(error: grpc.aio.AioRpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]  # an aio error is a Call
    assert status is not None
    (detail,) = status.details
    info = error_details_pb2.ErrorInfo()
    assert detail.Unpack(info)
    return {"reason": info.reason, **info.metadata}


async def _failure(call: Any) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    return raised.value


async def _queued(edge: RunningEdge, count: int) -> None:
    """Until ``count`` operator calls wait in line at CP-1's session."""

    async def probe() -> bool:
        session = edge.registry.get("CP-1")
        return session is not None and session.calls_waiting == count

    await settled(probe, within=PATIENCE, what=f"{count} calls in line")


async def _nothing_more_was_sent(station: RemoteStation) -> None:
    """The station's next frame is the answer to its own CALL: no CALL of the CSMS was
    waiting in the socket ahead of it."""
    frame = await station.call("Heartbeat", {})
    assert frame[0] == 3, f"the station received a CALL after its callers were answered: {frame}"


async def test_calls_queued_behind_a_silent_station_are_not_sent_and_say_so(
    edge: RunningEdge,
) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        first = stub.Reset(RESET, timeout=DEADLINE)
        sent = await station.next_call()
        assert sent[2] == "Reset"
        queued = [
            stub.UnlockConnector(UNLOCK, timeout=DEADLINE),
            stub.ClearCache(CLEAR, timeout=DEADLINE),
        ]
        await _queued(edge, 2)
        no_answer = await _failure(first)
        not_sent = [await _failure(call) for call in queued]
        # Every caller has been answered: nothing may leave for the station any more.
        await _nothing_more_was_sent(station)
    assert no_answer.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert re.fullmatch(
        r"charge point CP-1 did not answer Reset within \S+ s; it was sent at (\S+Z), so the "
        r"station may have acted on it: check before retrying",
        no_answer.details() or "",
    )
    assert _info(no_answer) == {
        "reason": "OCPP_CALL_UNANSWERED",
        "action": "Reset",
        "sent": "true",
        "sentAt": _info(no_answer)["sentAt"],
    }
    for error, action in zip(not_sent, ["UnlockConnector", "ClearCache"], strict=True):
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        # Its deadline passed in line, or its turn came as the Reset timed out, too late.
        assert re.match(
            rf"{action} was not sent to charge point CP-1: it was (still )?queued behind Reset "
            r"\(sent at \S+Z[,)]",
            error.details() or "",
        ), error.details()
        assert (error.details() or "").endswith(
            "nothing reached the station, so it is safe to retry"
        )
        assert _info(error) == {"reason": "OCPP_CALL_NOT_SENT", "action": action, "sent": "false"}


async def test_callers_that_give_up_leave_nothing_behind_to_be_sent(edge: RunningEdge) -> None:
    # Operators whose HTTP requests were abandoned (Envoy resets the stream when its route
    # times out): the queued calls must not then leave back to back, and the next call waits
    # for the answer to the one still out at the station.
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        first = stub.Reset(RESET, timeout=PATIENCE)
        reset = await station.next_call()
        queued = [
            stub.UnlockConnector(UNLOCK, timeout=PATIENCE),
            stub.ClearCache(CLEAR, timeout=PATIENCE),
        ]
        await _queued(edge, 2)
        for call in [first, *queued]:
            call.cancel()
        for call in [first, *queued]:
            assert await call.code() == grpc.StatusCode.CANCELLED
        later = asyncio.ensure_future(_clear_cache(stub))
        await _queued(edge, 1)
        # The Reset is still unanswered: the late call waits for it, and nothing else left.
        await station.answer(reset, {"status": "Accepted"})
        frame = await station.next_call()
        assert frame[2:] == ["ClearCache", {}]
        await station.answer(frame, {"status": "Accepted"})
        assert (await later).status == operations_pb2.OperationStatus.ACCEPTED
        await _nothing_more_was_sent(station)


async def _clear_cache(stub: edge_pb2_grpc.EdgeServiceAsyncStub) -> Any:
    return await stub.ClearCache(CLEAR, timeout=PATIENCE)


def _other_id(unique_id: str) -> str:
    """Another valid message id (at most 36 characters, OCPP-J §4.1.4; a longer one is no
    id at all and its frame is dropped unread)."""
    return "x" + unique_id[1:]


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (
            lambda unique_id: [3, unique_id, ["Accepted"]],
            "in this CALLRESULT, payload must be an object, got an array",
        ),
        (
            lambda unique_id: [3, unique_id, "Accepted"],
            "in this CALLRESULT, payload must be an object, got a string",
        ),
        (
            lambda unique_id: [3, _other_id(unique_id), {"status": "Accepted"}],
            "its CALLRESULT carries message id 'x",
        ),
        (
            lambda unique_id: [4, _other_id(unique_id), "GenericError", "", {}],
            "its CALLERROR carries message id 'x",
        ),
    ],
    ids=["payload-array", "payload-string", "result-unknown-id", "error-unknown-id"],
)
async def test_an_answer_that_cannot_be_the_answer_fails_the_call_at_once(
    edge: RunningEdge, answer: Any, words: str
) -> None:
    async with remote_station(edge, "CP-1") as station, edge_stub(edge) as stub:
        # No deadline of the caller's: only the edge's 30 s would end a wait for the answer.
        pending = stub.Reset(RESET)
        frame = await station.next_call()
        await station.connection.send(json.dumps(answer(frame[1])))
        error = await asyncio.wait_for(_failure(pending), PATIENCE)
        assert error.code() == grpc.StatusCode.INTERNAL
        assert (error.details() or "").startswith(
            "charge point CP-1 answered Reset with a payload that is not valid OCPP: "
        )
        assert words in (error.details() or "")
        # The station is not answered for a response, and the next call gets through.
        again = asyncio.ensure_future(_clear_cache(stub))
        frame = await station.next_call()
        assert frame[2] == "ClearCache"
        await station.answer(frame, {"status": "Rejected"})
        assert (await again).status == operations_pb2.OperationStatus.REJECTED
