"""csms_client turns a failed call into one CsmsError, with the CALLERROR when there is one.

A real gRPC server on port 0 plays the edge and answers as EdgeService's contract says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from google.protobuf import any_pb2, struct_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from csms.edge.v1 import edge_pb2, edge_pb2_grpc, operations_pb2
from csms_client import CsmsClient, CsmsError


class RefusingEdge(edge_pb2_grpc.EdgeServiceServicer):
    async def Reset(
        self, request: operations_pb2.ResetRequest, context: grpc.aio.ServicerContext
    ) -> operations_pb2.ResetResponse:
        info = any_pb2.Any()
        info.Pack(
            error_details_pb2.ErrorInfo(
                reason="OCPP_CALL_ERROR",
                domain="csms.edge",
                metadata={"code": "NotSupported", "description": "no hard reset here"},
            )
        )
        status = status_pb2.Status(
            code=code_pb2.FAILED_PRECONDITION,
            message=f"{request.charge_point_id} answered Reset with NotSupported",
            details=[info],
        )
        await context.abort_with_status(rpc_status.to_status(status))
        raise AssertionError("not reached")

    async def Disconnect(
        self, request: edge_pb2.DisconnectRequest, context: grpc.aio.ServicerContext
    ) -> edge_pb2.DisconnectResponse:
        await context.abort(grpc.StatusCode.NOT_FOUND, f"{request.charge_point_id} is offline")
        raise AssertionError("not reached")

    async def Send(
        self, request: edge_pb2.SendRequest, context: grpc.aio.ServicerContext
    ) -> edge_pb2.SendResponse:
        if request.action == "Heartbeat":
            result = struct_pb2.Struct()
            result.update({"currentTime": "2026-01-01T00:00:00Z"})
            return edge_pb2.SendResponse(result=result)
        return edge_pb2.SendResponse(
            call_error=edge_pb2.CallError(code="NotImplemented", description="nope")
        )


@pytest.fixture
async def client() -> AsyncIterator[CsmsClient]:
    server = grpc.aio.server()
    edge_pb2_grpc.add_EdgeServiceServicer_to_server(RefusingEdge(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with CsmsClient(edge=f"127.0.0.1:{port}", timeout=5) as csms:
            yield csms
    finally:
        await server.stop(None)


async def test_a_callerror_carries_its_ocpp_code_and_description(client: CsmsClient) -> None:
    with pytest.raises(CsmsError) as raised:
        await client.edge.reset("CP1", hard=True)
    assert raised.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert raised.value.ocpp_code == "NotSupported"
    assert raised.value.ocpp_description == "no hard reset here"
    assert "CP1 answered Reset" in str(raised.value)


async def test_a_plain_status_has_no_ocpp_error(client: CsmsClient) -> None:
    with pytest.raises(CsmsError) as raised:
        await client.edge.disconnect("CP2")
    assert raised.value.code == grpc.StatusCode.NOT_FOUND
    assert raised.value.message == "CP2 is offline"
    assert raised.value.ocpp_code is None and raised.value.detail is None


async def test_send_returns_the_result_or_raises_the_callerror(client: CsmsClient) -> None:
    assert await client.edge.send("CP3", "Heartbeat", {}) == {"currentTime": "2026-01-01T00:00:00Z"}
    with pytest.raises(CsmsError) as raised:
        await client.edge.send("CP3", "Frobnicate", {"x": 1})
    assert raised.value.ocpp_code == "NotImplemented"
    assert raised.value.ocpp_description == "nope"


async def test_naive_datetimes_are_refused(client: CsmsClient) -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="time zone"):
        await client.edge.update_firmware("CP4", "ftp://x", datetime(2026, 1, 1))
