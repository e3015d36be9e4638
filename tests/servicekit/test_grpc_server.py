"""The shared gRPC server: error translation in one place, health and reflection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from csms.common.v1 import health_pb2 as csms_health_pb2
from csms.edge.v1 import edge_pb2, edge_pb2_grpc
from servicekit import errors
from servicekit.channels import open_channel
from servicekit.grpc_server import Registration, component_of, start_server

SERVICE = edge_pb2.DESCRIPTOR.services_by_name["EdgeService"].full_name


class Raising(edge_pb2_grpc.EdgeServiceServicer):
    """Raises whatever the test put in ``error``; answers normally when it is None."""

    def __init__(self) -> None:
        self.error: BaseException | None = None

    async def GetHealth(self, request: Any, context: Any) -> csms_health_pb2.HealthReport:
        if self.error is not None:
            raise self.error
        return csms_health_pb2.HealthReport(component="test", status="SERVING")


@pytest.fixture
async def served() -> AsyncIterator[tuple[Raising, grpc.aio.Channel]]:
    servicer = Raising()
    running = await start_server(
        [Registration(servicer, edge_pb2_grpc.add_EdgeServiceServicer_to_server, SERVICE)],
        "127.0.0.1",
        0,
    )
    channel = open_channel(f"127.0.0.1:{running.port}")
    yield servicer, channel
    await channel.close()
    await running.stop(0)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InvalidArgument("id must not be empty"), grpc.StatusCode.INVALID_ARGUMENT),
        (errors.NotFound("charge point X is not registered"), grpc.StatusCode.NOT_FOUND),
        (errors.AlreadyExists("X exists"), grpc.StatusCode.ALREADY_EXISTS),
        (errors.FailedPrecondition("not now"), grpc.StatusCode.FAILED_PRECONDITION),
        (errors.Unavailable("auth service unavailable"), grpc.StatusCode.UNAVAILABLE),
    ],
)
async def test_service_errors_become_their_status_with_the_message(
    served: tuple[Raising, grpc.aio.Channel], error: errors.ServiceError, code: grpc.StatusCode
) -> None:
    servicer, channel = served
    servicer.error = error
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(csms_health_pb2.GetHealthRequest())
    assert raised.value.code() == code
    assert raised.value.details() == str(error)


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (
            OperationalError("SELECT 1", {}, ConnectionRefusedError("refused")),
            "connection refused",
        ),
        (
            ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 5432)"),
            "connection refused",
        ),
        (
            DBAPIError(
                "SELECT 1", {}, RuntimeError("closed mid-operation"), connection_invalidated=True
            ),
            "the connection to it was lost",
        ),
        (TimeoutError(), "it did not answer in time"),
        (OperationalError("INSERT", {}, RuntimeError("database is locked")), "database is locked"),
    ],
)
async def test_an_unreachable_database_is_unavailable_with_a_reason(
    served: tuple[Raising, grpc.aio.Channel], error: BaseException, cause: str
) -> None:
    servicer, channel = served
    servicer.error = error
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(csms_health_pb2.GetHealthRequest())
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    # The component is the service's package; no address or traceback reaches the caller.
    assert raised.value.details() == f"edge database unavailable: {cause}; retry later"
    assert errors.reason_of(raised.value) == "DATABASE_UNAVAILABLE"


async def test_a_plain_service_error_carries_no_reason(
    served: tuple[Raising, grpc.aio.Channel],
) -> None:
    servicer, channel = served
    servicer.error = errors.Unavailable("auth service unavailable")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(csms_health_pb2.GetHealthRequest())
    assert errors.reason_of(raised.value) is None


async def test_a_refused_statement_is_internal_not_an_outage(
    served: tuple[Raising, grpc.aio.Channel],
) -> None:
    servicer, channel = served
    servicer.error = IntegrityError("INSERT", {}, ValueError("duplicate key"))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(csms_health_pb2.GetHealthRequest())
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    # The server keeps serving afterwards.
    servicer.error = None
    reply = await edge_pb2_grpc.EdgeServiceStub(channel).GetHealth(
        csms_health_pb2.GetHealthRequest()
    )
    assert reply.status == "SERVING"


async def test_health_and_reflection_are_served(served: tuple[Raising, grpc.aio.Channel]) -> None:
    _servicer, channel = served
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    call = stub.ServerReflectionInfo()
    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    answer = await call.read()
    await call.done_writing()
    listed = {s.name for s in answer.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health"} <= listed


def test_the_component_is_named_by_the_package() -> None:
    assert component_of("/csms.transaction.v1.TransactionService/StartTransaction") == (
        "transaction"
    )
    assert component_of("/grpc.health.v1.Health/Check") == "grpc.health.v1.Health"
