"""AuthService over a real socket, on SQLite and PostgreSQL, with a real (fake) transaction_svc."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from auth_svc.server import SERVICE_NAME, RunningService, start
from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.common.v1 import health_pb2 as common_health_pb2
from servicekit.channels import open_channel
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.auth_svc.support.fakes import FakeTransactionService
from tests.support.ports import free_port
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub as Stub

Status = auth_pb2.IdTokenInfo.Status
Purpose = auth_pb2.AuthorizeRequest.Purpose


def _settings(tmp_path: Path, database_url: str, transaction_address: str) -> Settings:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_AUTH_DATABASE_URL": database_url}
    )
    return with_network(settings, transaction_address=transaction_address)


@asynccontextmanager
async def _serve(settings: Settings) -> AsyncIterator[tuple[RunningService, grpc.aio.Channel]]:
    service = await start(settings.network, settings.storage, settings.security, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield service, channel
    finally:
        await channel.close(None)
        await service.stop()


@pytest.fixture
async def served(
    tmp_path: Path, migrated_url: str, transaction_server: tuple[FakeTransactionService, str]
) -> AsyncIterator[tuple[RunningService, grpc.aio.Channel]]:
    async with _serve(_settings(tmp_path, migrated_url, transaction_server[1])) as pair:
        yield pair


@pytest.fixture
def stub(served: tuple[RunningService, grpc.aio.Channel]) -> Stub:
    return auth_pb2_grpc.AuthServiceStub(served[1])


@pytest.fixture
def fake(transaction_server: tuple[FakeTransactionService, str]) -> FakeTransactionService:
    return transaction_server[0]


async def _create(stub: Stub, id_tag: str, **fields: object) -> auth_pb2.IdTag:
    return await stub.CreateIdTag(
        auth_pb2.CreateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag=id_tag, **fields))  # type: ignore[arg-type]
    )


async def _authorize(
    stub: Stub, id_tag: str, purpose: auth_pb2.AuthorizeRequest.Purpose.ValueType
) -> auth_pb2.IdTokenInfo:
    response = await stub.Authorize(
        auth_pb2.AuthorizeRequest(id_tag=id_tag, charge_point_id="CP1", purpose=purpose)
    )
    return response.id_token_info


async def test_health_reflection_and_get_health(
    served: tuple[RunningService, grpc.aio.Channel], stub: Stub
) -> None:
    _, channel = served
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE_NAME):
        answer = await health.Check(health_pb2.HealthCheckRequest(service=name))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING

    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    names: list[str] = []
    async for reply in reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    ):
        names.extend(service.name for service in reply.list_services_response.service)
    assert SERVICE_NAME == "csms.auth.v1.AuthService"
    assert SERVICE_NAME in names

    report = await stub.GetHealth(common_health_pb2.GetHealthRequest())
    assert (report.component, report.status) == ("auth", "SERVING")
    assert report.version


async def test_create_get_update_list(stub: Stub) -> None:
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    created = await _create(
        stub,
        "04A23B1C",
        status=Status.BLOCKED,
        expires_at=to_timestamp(expires),
        parent_id_tag="G1",
    )
    assert (created.id_tag, created.status, created.parent_id_tag) == (
        "04A23B1C",
        Status.BLOCKED,
        "G1",
    )
    assert created.expires_at.ToDatetime(tzinfo=UTC) == expires
    assert created.created_at == created.updated_at
    assert await stub.GetIdTag(auth_pb2.GetIdTagRequest(id_tag="04A23B1C")) == created

    plain = await _create(stub, "DEMO-TAG-001")
    assert plain.status == Status.ACCEPTED
    assert not plain.HasField("expires_at")
    assert plain.parent_id_tag == ""

    updated = await stub.UpdateIdTag(
        auth_pb2.UpdateIdTagRequest(
            id_tag=auth_pb2.IdTag(id_tag="04A23B1C", status=Status.ACCEPTED)
        )
    )
    assert updated.status == Status.ACCEPTED
    assert not updated.HasField("expires_at")
    assert updated.parent_id_tag == ""
    assert updated.created_at == created.created_at
    assert updated.updated_at.ToDatetime() >= created.updated_at.ToDatetime()
    assert await stub.GetIdTag(auth_pb2.GetIdTagRequest(id_tag="04A23B1C")) == updated

    for number in range(3):
        await _create(stub, f"TAG-{number}")
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = await stub.ListIdTags(auth_pb2.ListIdTagsRequest(page_size=2, page_token=token))
        seen.extend(tag.id_tag for tag in page.id_tags)
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert seen == ["04A23B1C", "DEMO-TAG-001", "TAG-0", "TAG-1", "TAG-2"]
    assert pages == 3
    everything = await stub.ListIdTags(auth_pb2.ListIdTagsRequest())
    assert len(everything.id_tags) == 5
    assert everything.next_page_token == ""


async def _expect(call: object, code: grpc.StatusCode, message: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == code
    assert message in (caught.value.details() or "")


async def test_error_statuses(stub: Stub) -> None:
    await _create(stub, "TAG1")
    bad = grpc.StatusCode.INVALID_ARGUMENT
    await _expect(
        _create(stub, "TAG1", status=Status.BLOCKED),
        grpc.StatusCode.ALREADY_EXISTS,
        "id tag TAG1 already exists; use PUT to change it",
    )
    await _expect(
        stub.GetIdTag(auth_pb2.GetIdTagRequest(id_tag="NOPE")),
        grpc.StatusCode.NOT_FOUND,
        "id tag NOPE does not exist",
    )
    await _expect(
        stub.UpdateIdTag(auth_pb2.UpdateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="NOPE"))),
        grpc.StatusCode.NOT_FOUND,
        "id tag NOPE does not exist",
    )
    await _expect(_create(stub, "has space"), bad, "printable ASCII characters without spaces")
    await _expect(_create(stub, "x" * 37), bad, "1 to 36 characters long, got 37")
    await _expect(stub.CreateIdTag(auth_pb2.CreateIdTagRequest()), bad, "got 0")
    await _expect(
        _create(stub, "TAG2", status=Status.CONCURRENT_TX),
        bad,
        "status CONCURRENT_TX cannot be stored; use one of ACCEPTED, BLOCKED, EXPIRED, INVALID",
    )
    await _expect(
        _create(stub, "TAG2", parent_id_tag="P" * 37), bad, "parent_id_tag is 37 characters long"
    )
    await _expect(
        stub.UpdateIdTag(
            auth_pb2.UpdateIdTagRequest(
                id_tag=auth_pb2.IdTag(id_tag="TAG1", status=Status.NOT_AT_THIS_TIME)
            )
        ),
        bad,
        "status NOT_AT_THIS_TIME cannot be stored",
    )
    await _expect(_authorize(stub, "", Purpose.AUTHORIZE), bad, "id_tag is empty")
    await _expect(_authorize(stub, "x" * 37, Purpose.AUTHORIZE), bad, "at most 36")
    await _expect(
        stub.ListIdTags(auth_pb2.ListIdTagsRequest(page_token="not a token!")),
        bad,
        "page_token is not a token this API gave out",
    )
    await _expect(
        stub.ListIdTags(auth_pb2.ListIdTagsRequest(page_size=-1)), bad, "page_size must not be"
    )
    tag = await stub.GetIdTag(auth_pb2.GetIdTagRequest(id_tag="TAG1"))
    assert tag.status == Status.ACCEPTED


async def test_authorize(stub: Stub, fake: FakeTransactionService) -> None:
    expires = datetime.now(UTC) + timedelta(days=30)
    await _create(stub, "GOOD", expires_at=to_timestamp(expires), parent_id_tag="GROUP")
    await _create(stub, "BUSY")
    await _create(stub, "BLOCKED", status=Status.BLOCKED)
    await _create(stub, "OLD", expires_at=to_timestamp(datetime(2020, 1, 1, tzinfo=UTC)))
    fake.counts = {"BUSY": 1, "BLOCKED": 1, "OLD": 1}

    good = await _authorize(stub, "GOOD", Purpose.AUTHORIZE)
    assert good.status == Status.ACCEPTED
    assert good.expires_at.ToDatetime(tzinfo=UTC) == expires
    assert good.parent_id_tag == "GROUP"
    for purpose in (Purpose.AUTHORIZE, Purpose.START_TRANSACTION, Purpose.PURPOSE_UNSPECIFIED):
        assert (await _authorize(stub, "BUSY", purpose)).status == Status.CONCURRENT_TX
    assert fake.asked == ["GOOD", "BUSY", "BUSY", "BUSY"]

    fake.asked.clear()
    assert (await _authorize(stub, "BUSY", Purpose.STOP_TRANSACTION)).status == Status.ACCEPTED
    assert (await _authorize(stub, "BLOCKED", Purpose.AUTHORIZE)).status == Status.BLOCKED
    assert (await _authorize(stub, "OLD", Purpose.START_TRANSACTION)).status == Status.EXPIRED
    unknown = await _authorize(stub, "NOBODY", Purpose.AUTHORIZE)
    assert unknown == auth_pb2.IdTokenInfo(status=Status.INVALID)
    assert fake.asked == []


async def test_authorize_without_transaction_service(tmp_path: Path, migrated_url: str) -> None:
    settings = _settings(tmp_path, migrated_url, f"127.0.0.1:{free_port()}")
    async with _serve(settings) as (_, channel):
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        await _create(stub, "GOOD")
        await _create(stub, "BLOCKED", status=Status.BLOCKED)
        await _expect(
            _authorize(stub, "GOOD", Purpose.AUTHORIZE),
            grpc.StatusCode.UNAVAILABLE,
            "transaction service unavailable: UNAVAILABLE",
        )
        # Decisions that need no transaction count still answer.
        assert (await _authorize(stub, "BLOCKED", Purpose.AUTHORIZE)).status == Status.BLOCKED
        assert (await _authorize(stub, "GOOD", Purpose.STOP_TRANSACTION)).status == Status.ACCEPTED
        assert (await _authorize(stub, "NOBODY", Purpose.AUTHORIZE)).status == Status.INVALID


async def test_id_token_types_are_stored_and_shown(stub: Stub) -> None:
    card = await _create(stub, "CARD")
    # Unset: ISO14443, what every identifier was sent as before types were stored.
    assert card.id_token_type == "ISO14443"
    contract = await _create(stub, "NL-ABC-C12345678-X", id_token_type="eMAID")
    assert contract.id_token_type == "eMAID"
    vin = await _create(stub, "VIN-1", id_token_type="VIN")  # an OCPP 2.1 type
    assert vin.id_token_type == "VIN"
    got = await stub.GetIdTag(auth_pb2.GetIdTagRequest(id_tag="NL-ABC-C12345678-X"))
    assert got.id_token_type == "eMAID"
    listed = await stub.ListIdTags(auth_pb2.ListIdTagsRequest())
    assert {t.id_tag: t.id_token_type for t in listed.id_tags} == {
        "CARD": "ISO14443",
        "NL-ABC-C12345678-X": "eMAID",
        "VIN-1": "VIN",
    }
    # An update that names no type keeps the stored one; one that names a type changes it.
    kept = await stub.UpdateIdTag(
        auth_pb2.UpdateIdTagRequest(
            id_tag=auth_pb2.IdTag(id_tag="NL-ABC-C12345678-X", status=Status.BLOCKED)
        )
    )
    assert (kept.status, kept.id_token_type) == (Status.BLOCKED, "eMAID")
    changed = await stub.UpdateIdTag(
        auth_pb2.UpdateIdTagRequest(id_tag=auth_pb2.IdTag(id_tag="CARD", id_token_type="KeyCode"))
    )
    assert changed.id_token_type == "KeyCode"


async def test_an_unknown_id_token_type_is_refused(stub: Stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _create(stub, "CARD", id_token_type="RFID")
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "id_token_type 'RFID' is not an OCPP id token type" in (caught.value.details() or "")


async def test_a_token_presented_with_another_type_is_another_token(stub: Stub) -> None:
    await _create(stub, "EMP-1", id_token_type="eMAID")

    async def typed(id_token_type: str) -> auth_pb2.IdTokenInfo:
        request = auth_pb2.AuthorizeRequest(
            id_tag="EMP-1", charge_point_id="CP1", id_token_type=id_token_type
        )
        return (await stub.Authorize(request)).id_token_info

    assert (await typed("eMAID")).status == Status.ACCEPTED
    # 2.x: (idToken, type) is the identity; an ISO14443 card "EMP-1" is not this token.
    assert await typed("ISO14443") == auth_pb2.IdTokenInfo(status=Status.INVALID)
    # 1.6 presents no type: the value names the identifier.
    assert (await typed("")).status == Status.ACCEPTED
