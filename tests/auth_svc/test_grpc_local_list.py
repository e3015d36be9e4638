"""The local list over gRPC: a real AuthService on a migrated database (SQLite and
PostgreSQL), sending lists to a real (scripted) EdgeService."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from auth_svc.server import start
from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.edge.v1 import operations_pb2
from servicekit.channels import open_channel
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.fake_edge import CALL_ERROR, NO_ANSWER, NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub as Stub

Status = auth_pb2.IdTokenInfo.Status
Send = auth_pb2.SendLocalListRequest
Sent = operations_pb2.SendLocalListRequest
Answer = auth_pb2.SendLocalListResponse
Auth = operations_pb2.LocalAuthorization


@dataclass
class Harness:
    stub: Stub
    edge: FakeEdge


@pytest.fixture
async def harness(
    tmp_path: Path, migrated_url: str, transaction_server: tuple[FakeTransactionService, str]
) -> AsyncIterator[Harness]:
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_AUTH_DATABASE_URL": migrated_url}
            ),
            transaction_address=transaction_server[1],
            edge_address=edge_address,
            grpc_timeout=3.0,
        )
        service = await start(settings.network, settings.storage, settings.security, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield Harness(auth_pb2_grpc.AuthServiceStub(channel), edge)
        finally:
            await channel.close(None)
            await service.stop()


async def _create(stub: Stub, id_tag: str, **fields: Any) -> None:
    await stub.CreateIdTag(
        auth_pb2.CreateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag=id_tag, **fields))
    )


async def expect_error(call: Any, code: grpc.StatusCode, message: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code
    assert message in (caught.value.details() or "")


async def test_add_remove_get(harness: Harness) -> None:
    stub = harness.stub
    await _create(stub, "A", parent_id_tag="P")
    await _create(stub, "B", status=Status.BLOCKED)
    empty = await stub.GetLocalList(auth_pb2.GetLocalListRequest())
    assert (empty.version, list(empty.entries)) == (0, [])

    await stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="B"))
    listed = await stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="A"))
    assert listed.version == 2
    assert [(e.id_tag, e.status, e.parent_id_tag) for e in listed.entries] == [
        ("A", Status.ACCEPTED, "P"),
        ("B", Status.BLOCKED, ""),
    ]
    same = await stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="A"))
    assert same == listed

    removed = await stub.RemoveFromLocalList(auth_pb2.RemoveFromLocalListRequest(id_tag="B"))
    assert (removed.version, [e.id_tag for e in removed.entries]) == (3, ["A"])
    await stub.UpdateIdTag(
        auth_pb2.UpdateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="A", status=Status.BLOCKED))
    )
    current = await stub.GetLocalList(auth_pb2.GetLocalListRequest())
    assert current.version == 4
    assert [(e.id_tag, e.status) for e in current.entries] == [("A", Status.BLOCKED)]

    await expect_error(
        stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="NOBODY")),
        grpc.StatusCode.NOT_FOUND,
        "create the id tag first (POST /api/v1/id-tags)",
    )
    await expect_error(
        stub.RemoveFromLocalList(auth_pb2.RemoveFromLocalListRequest(id_tag="B")),
        grpc.StatusCode.NOT_FOUND,
        "id tag B is not in the local list",
    )
    await expect_error(
        stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="")),
        grpc.StatusCode.INVALID_ARGUMENT,
        "id_tag is empty",
    )


async def test_send_full_then_differential(harness: Harness) -> None:
    stub = harness.stub
    expires = datetime.now(UTC) - timedelta(days=1)
    await _create(stub, "A", expires_at=to_timestamp(expires), parent_id_tag="P")
    await _create(stub, "B")
    for id_tag in ("A", "B"):
        await stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag=id_tag))

    first = await stub.SendLocalList(Send(charge_point_id="CP-1", update_type=Send.FULL))
    assert first == Answer(status=Answer.ACCEPTED, version=2, update_type=Send.FULL, entries_sent=2)
    (sent,) = harness.edge.requests_of(Sent)
    assert (sent.charge_point_id, sent.version, sent.update_type) == ("CP-1", 2, Sent.FULL)
    assert [(e.id_tag, e.authorization) for e in sent.entries] == [
        ("A", Auth(status=Auth.EXPIRED, expires_at=to_timestamp(expires), parent_id_tag="P")),
        ("B", Auth(status=Auth.ACCEPTED)),
    ]

    await stub.RemoveFromLocalList(auth_pb2.RemoveFromLocalListRequest(id_tag="A"))
    second = await stub.SendLocalList(Send(charge_point_id="CP-1", update_type=Send.DIFFERENTIAL))
    assert second == Answer(
        status=Answer.ACCEPTED, version=3, update_type=Send.DIFFERENTIAL, entries_sent=1
    )
    diff = harness.edge.requests_of(Sent)[-1]
    assert (diff.version, diff.update_type, [e.id_tag for e in diff.entries]) == (
        3,
        Sent.DIFFERENTIAL,
        ["A"],
    )
    assert not diff.entries[0].HasField("authorization")

    default = await stub.SendLocalList(Send(charge_point_id="CP-2"))
    assert (default.update_type, default.entries_sent) == (Send.FULL, 1)


async def test_a_refused_list_is_not_recorded(harness: Harness) -> None:
    await _create(harness.stub, "A")
    await harness.stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag="A"))
    harness.edge.answer("SendLocalList", "VERSION_MISMATCH")
    refused = await harness.stub.SendLocalList(Send(charge_point_id="CP-1"))
    assert (refused.status, refused.version) == (Answer.VERSION_MISMATCH, 1)
    # Still no record of CP-1: a differential request is refused, naming what to do.
    with pytest.raises(grpc.aio.AioRpcError) as refused_differential:
        await harness.stub.SendLocalList(
            Send(charge_point_id="CP-1", update_type=Send.DIFFERENTIAL)
        )
    assert refused_differential.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "send a FULL update first" in (refused_differential.value.details() or "")
    assert len(harness.edge.requests_of(operations_pb2.SendLocalListRequest)) == 1


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (NOT_CONNECTED, grpc.StatusCode.NOT_FOUND, "charge point CP-1 is not connected"),
        (NO_ANSWER, grpc.StatusCode.DEADLINE_EXCEEDED, "charge point CP-1 did not answer"),
        (
            CALL_ERROR,
            grpc.StatusCode.FAILED_PRECONDITION,
            "CALLERROR NotSupported: not supported by this station",
        ),
    ],
)
async def test_edge_errors_are_passed_on(
    harness: Harness, failure: Any, code: grpc.StatusCode, message: str
) -> None:
    harness.edge.answer("SendLocalList", failure)
    await expect_error(harness.stub.SendLocalList(Send(charge_point_id="CP-1")), code, message)


async def test_send_refuses_wrong_requests(harness: Harness) -> None:
    await expect_error(
        harness.stub.SendLocalList(Send()),
        grpc.StatusCode.INVALID_ARGUMENT,
        "charge_point_id must not be empty",
    )
    await expect_error(
        harness.stub.SendLocalList(
            Send(charge_point_id="CP-1", update_type=Send.UpdateType.ValueType(9))
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "update_type 9 is not FULL or DIFFERENTIAL",
    )
    assert harness.edge.requests == []


async def test_the_list_carries_each_id_token_type(harness: Harness) -> None:
    stub = harness.stub
    await _create(stub, "CARD")
    await _create(stub, "EMP", id_token_type="eMAID")
    for id_tag in ("CARD", "EMP"):
        await stub.AddToLocalList(auth_pb2.AddToLocalListRequest(id_tag=id_tag))
    await stub.SendLocalList(Send(charge_point_id="CP-1", update_type=Send.FULL))
    (sent,) = harness.edge.requests_of(Sent)
    assert [(e.id_tag, e.id_token_type) for e in sent.entries] == [
        ("CARD", "ISO14443"),
        ("EMP", "eMAID"),
    ]
    # A changed type is a change stations must learn: the next differential update has it.
    await stub.UpdateIdTag(
        auth_pb2.UpdateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="CARD", id_token_type="ISO15693"))
    )
    changed = await stub.SendLocalList(Send(charge_point_id="CP-1", update_type=Send.DIFFERENTIAL))
    assert (changed.update_type, changed.entries_sent) == (Send.DIFFERENTIAL, 1)
    diff = harness.edge.requests_of(Sent)[-1]
    assert [(e.id_tag, e.id_token_type) for e in diff.entries] == [("CARD", "ISO15693")]
