"""The Authorizer adapter against real gRPC servers that answer, fail, or never answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.timestamps import to_timestamp
from tests.support.ports import free_port
from tests.support.transaction_factories import at
from transaction_svc.adapters.auth_client import GrpcAuthorizer
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.errors import AuthServiceFailed, AuthServiceUnavailable

Info = auth_pb2.IdTokenInfo
START = AuthorizationPurpose.START_TRANSACTION


class Behaviour(auth_pb2_grpc.AuthServiceServicer):
    """Answers by id tag: "SLOW" never answers, "BROKEN" fails, "BLANK" has no status."""

    def __init__(self) -> None:
        self.purposes: list[int] = []
        self.never = asyncio.Event()

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> auth_pb2.AuthorizeResponse:
        self.purposes.append(request.purpose)
        if request.id_tag == "SLOW":
            await self.never.wait()
        if request.id_tag == "BROKEN":
            await context.abort(grpc.StatusCode.INTERNAL, "it broke")
        if request.id_tag == "BLANK":
            return auth_pb2.AuthorizeResponse(id_token_info=Info())
        info = Info(status=Info.BLOCKED, expires_at=to_timestamp(at(5)), parent_id_tag="G")
        return auth_pb2.AuthorizeResponse(id_token_info=info)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Behaviour, GrpcAuthorizer]]:
    behaviour = Behaviour()  # type: ignore[abstract]  # unlisted RPCs answer UNIMPLEMENTED
    name = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
    server: RunningServer = await start_server(
        [Registration(behaviour, auth_pb2_grpc.add_AuthServiceServicer_to_server, name)],
        "127.0.0.1",
        0,
    )
    authorizer = GrpcAuthorizer(f"127.0.0.1:{server.port}", timeout=0.3)
    try:
        yield behaviour, authorizer
    finally:
        behaviour.never.set()
        await authorizer.close()
        await server.stop(grace=0)


async def test_a_decision_is_translated(served: tuple[Behaviour, GrpcAuthorizer]) -> None:
    behaviour, authorizer = served
    decision = await authorizer.authorize("TAG", "CP-1", AuthorizationPurpose.STOP_TRANSACTION)
    assert decision == Authorization(AuthorizationStatus.BLOCKED, at(5), "G")
    await authorizer.authorize("TAG", "CP-1", START)
    assert behaviour.purposes == [
        auth_pb2.AuthorizeRequest.STOP_TRANSACTION,
        auth_pb2.AuthorizeRequest.START_TRANSACTION,
    ]


async def test_no_status_means_invalid(served: tuple[Behaviour, GrpcAuthorizer]) -> None:
    _, authorizer = served
    assert await authorizer.authorize("BLANK", "CP-1", START) == Authorization(
        AuthorizationStatus.INVALID
    )


async def test_past_the_deadline_is_unavailable(served: tuple[Behaviour, GrpcAuthorizer]) -> None:
    _, authorizer = served
    with pytest.raises(AuthServiceUnavailable, match="auth service unavailable: DEADLINE_EXCEEDED"):
        await authorizer.authorize("SLOW", "CP-1", START)


async def test_other_errors_are_failures(served: tuple[Behaviour, GrpcAuthorizer]) -> None:
    _, authorizer = served
    with pytest.raises(AuthServiceFailed, match=r"\(INTERNAL\): it broke"):
        await authorizer.authorize("BROKEN", "CP-1", START)


async def test_no_server_is_unavailable() -> None:
    authorizer = GrpcAuthorizer(f"127.0.0.1:{free_port()}", timeout=2.0)
    try:
        with pytest.raises(AuthServiceUnavailable, match="auth service unavailable: UNAVAILABLE"):
            await authorizer.authorize("TAG", "CP-1", START)
    finally:
        await authorizer.close()
