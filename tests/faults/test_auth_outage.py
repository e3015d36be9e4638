"""auth_svc down, everything else up: the real transaction service and a real edge answer a
station's messages that need an identifier decided with an InternalError that names the
auth service as what is unavailable, never the transaction service, which is up (issue 12,
defect 8). Once auth_svc serves, the same messages are accepted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from edge.server import RunningEdge
from servicekit.settings import Settings
from tests.faults.support.messages import event_201, start_16, stop_16
from tests.faults.support.stack import (
    auth_service,
    edges,
    environment,
    migrate_transaction,
    stored,
    transaction_service,
)
from tests.faults.support.station import Answer, Station
from tests.support.databases import sqlite_url

TAG = "AUTH-OUT-TAG"
# Generous: gRPC's reconnect backoff after a refused connection is seconds, not minutes.
RECOVERY_BOUND = 60.0


@dataclass
class AuthDown:
    edge: RunningEdge
    settings: Settings
    database_url: str


@pytest.fixture
async def auth_down(tmp_path: Path) -> AsyncIterator[AuthDown]:
    """The transaction service and an edge; auth_svc serves only inside the test's own
    ``auth_service`` blocks (on its port, with its database kept between them)."""
    url = sqlite_url(tmp_path, "transaction")
    await migrate_transaction(url)
    settings = Settings.from_env(environment(tmp_path, url))
    async with transaction_service(settings), edges(settings, 1) as (edge,):
        yield AuthDown(edge, settings, url)


def _blames_auth(answer: Answer) -> None:
    assert not answer.accepted, answer
    assert answer.code == "InternalError", answer
    assert "auth service" in answer.description, answer
    assert "transaction service" not in answer.description, answer
    # Internal addresses stay inside the CSMS.
    assert "127.0.0.1" not in answer.description, answer


@pytest.mark.parametrize(
    ("version", "action", "payload"),
    [
        ("ocpp1.6", "StartTransaction", start_16(TAG, 1000, 0)),
        ("ocpp1.6", "Authorize", {"idTag": TAG}),
        # A stop is kept before its idTag is asked about (here as an orphan report: no
        # transaction of that id), so the retry only fetches the idTagInfo.
        ("ocpp1.6", "StopTransaction", {**stop_16(4242, 2000, 60), "idTag": TAG}),
        (
            "ocpp2.0.1",
            "TransactionEvent",
            event_201("Started", "AUTH-OUT-TX", 0, seconds=0, wh=1000, id_tag=TAG),
        ),
        ("ocpp2.0.1", "Authorize", {"idToken": {"idToken": TAG, "type": "ISO14443"}}),
    ],
)
async def test_an_identifier_message_blames_the_auth_service(
    auth_down: AuthDown, version: str, action: str, payload: dict[str, object]
) -> None:
    station = Station(f"AUTH-OUT-{action}-{version}", version)
    # The handshake asks auth_svc about the station's credentials: it connects first.
    async with auth_service(auth_down.settings, [TAG]):
        await station.connect(auth_down.edge.ws_port)
    try:
        _blames_auth(await station.call("first", action, payload))
        # No transaction was stored: the station's retry is decided afresh once auth_svc
        # is back.
        db = await stored(auth_down.database_url)
        assert db.transactions == []
        assert len(db.orphan_reports) == (1 if action == "StopTransaction" else 0)
        async with auth_service(auth_down.settings, []):
            # The callers' channels reconnect after their backoff: retried as a station does.
            answer = await asyncio.wait_for(station.deliver(action, payload), RECOVERY_BOUND)
        assert answer.accepted, answer
        assert len((await stored(auth_down.database_url)).orphan_reports) == len(db.orphan_reports)
    finally:
        await station.disconnect()


class _HungAuth(auth_pb2_grpc.AuthServiceServicer):
    """An auth service that admits stations but never decides about an id tag: a hung
    process, or one stuck on its database."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def AuthenticateChargePoint(
        self, request: auth_pb2.AuthenticateChargePointRequest, context: object
    ) -> auth_pb2.AuthenticateChargePointResponse:
        return auth_pb2.AuthenticateChargePointResponse(
            outcome=auth_pb2.AuthenticateChargePointResponse.ADMITTED
        )

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: object
    ) -> auth_pb2.AuthorizeResponse:
        self.asked.set()
        await asyncio.Event().wait()  # never: the caller's deadline ends the call
        raise AssertionError("unreachable")


@asynccontextmanager
async def hung_auth_service(settings: Settings) -> AsyncIterator[_HungAuth]:
    servicer = _HungAuth()
    server = grpc.aio.server()
    auth_pb2_grpc.add_AuthServiceServicer_to_server(servicer, server)
    server.add_insecure_port(settings.network.auth_address)
    await server.start()
    try:
        yield servicer
    finally:
        await server.stop(grace=None)


@pytest.mark.parametrize(
    ("version", "action", "payload"),
    [
        ("ocpp1.6", "StartTransaction", start_16(TAG, 1000, 0)),
        (
            "ocpp2.0.1",
            "TransactionEvent",
            event_201("Started", "AUTH-HUNG-TX", 0, seconds=0, wh=1000, id_tag=TAG),
        ),
    ],
)
async def test_a_hung_auth_service_is_blamed_before_the_edge_gives_up(
    auth_down: AuthDown, version: str, action: str, payload: dict[str, object]
) -> None:
    """auth_svc admits the station, then never answers an Authorize: the transaction
    service's question to it must end before the edge's own deadline, so the station hears
    about the auth service, not that the transaction service did not answer in time
    (servicekit.deadlines)."""
    station = Station(f"AUTH-HUNG-{action}-{version}", version)
    async with hung_auth_service(auth_down.settings) as auth:
        await station.connect(auth_down.edge.ws_port)
        try:
            answer = await station.call("first", action, payload)
        finally:
            await station.disconnect()
        assert auth.asked.is_set(), "the call never reached the hung auth service"
    _blames_auth(answer)
