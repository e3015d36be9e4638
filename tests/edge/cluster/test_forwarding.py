"""The truthful failures of an operator call survive forwarding between edge replicas: a
call sent through one replica to a station held by another says, in its status, message and
ErrorInfo, whether the station received it (issue 12, defects 2 and 3)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from csms.edge.v1 import operations_pb2
from edge.server import RunningEdge
from tests.edge.cluster.test_replicas import replicas
from tests.support.fake_services import Fakes
from tests.support.redis import RedisNamespace
from tests.support.remote_station import PATIENCE, edge_stub, remote_station
from tests.support.waiting import settled

# Long enough that the edge's margin (0.5 s) keeps its answer ahead of the caller's deadline.
DEADLINE = 5.0
RESET = operations_pb2.ResetRequest(charge_point_id="CP-1", type=operations_pb2.ResetRequest.HARD)
CLEAR = operations_pb2.ClearCacheRequest(charge_point_id="CP-1")


def _info(error: grpc.aio.AioRpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]  # an aio error is a Call
    assert status is not None
    (detail,) = status.details
    info = error_details_pb2.ErrorInfo()
    assert detail.Unpack(info)
    return {"reason": info.reason, "sent": info.metadata["sent"]}


async def _failure(call: object) -> grpc.aio.AioRpcError:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as error:
        return error
    raise AssertionError("the call succeeded")


async def _queued(holder: RunningEdge) -> None:
    async def probe() -> bool:
        session = holder.registry.get("CP-1")
        return session is not None and session.calls_waiting == 1

    await settled(probe, within=PATIENCE, what="a call in line at the holding replica")


async def test_sent_and_not_sent_504s_come_back_through_the_other_replica(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (holder, other),
        remote_station(holder, "CP-1") as station,
        edge_stub(other) as stub,
    ):
        first = stub.Reset(RESET, timeout=DEADLINE)
        assert (await station.next_call())[2] == "Reset"
        second = stub.ClearCache(CLEAR, timeout=DEADLINE)
        await _queued(holder)
        no_answer, not_sent = await _failure(first), await _failure(second)
        # Both callers have been answered, and the station received nothing more.
        assert (await station.call("Heartbeat", {}))[0] == 3
    assert no_answer.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert re.match(
        r"charge point CP-1 did not answer Reset within \S+ s; it was sent at ",
        no_answer.details() or "",
    )
    assert _info(no_answer) == {"reason": "OCPP_CALL_UNANSWERED", "sent": "true"}
    assert not_sent.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert (not_sent.details() or "").startswith("ClearCache was not sent to charge point CP-1: ")
    assert _info(not_sent) == {"reason": "OCPP_CALL_NOT_SENT", "sent": "false"}


async def test_a_station_that_closes_after_receiving_is_aborted_through_the_other_replica(
    fakes: Fakes, redis_space: RedisNamespace, tmp_path: Path
) -> None:
    async with (
        replicas(tmp_path, fakes, redis_space) as (holder, other),
        edge_stub(other) as stub,
    ):
        async with remote_station(holder, "CP-1") as station:
            pending = asyncio.ensure_future(stub.Reset(RESET, timeout=PATIENCE))
            assert (await station.next_call())[2] == "Reset"
        error = await _failure(pending)
    assert error.code() == grpc.StatusCode.ABORTED
    assert (error.details() or "").startswith(
        "charge point CP-1 closed its connection after Reset was sent at "
    )
    assert _info(error) == {"reason": "OCPP_CONNECTION_CLOSED", "sent": "true"}
