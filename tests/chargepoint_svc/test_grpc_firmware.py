"""Firmware progress per request through the real server, over SQLite and PostgreSQL:
FirmwareStatusNotification and PublishFirmwareStatusNotification histories (issue 13)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.chargepoint.v1 import firmware_pb2 as fw
from csms.edge.v1 import firmware_pb2 as edge_fw
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.settings import Settings
from tests.support.fake_edge import NOT_CONNECTED, Failure, FakeEdge, serving
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub


@pytest.fixture
def edge() -> FakeEdge:
    return FakeEdge()  # type: ignore[abstract]


@pytest.fixture
async def stub(database_url: str, tmp_path: Path, edge: FakeEdge) -> AsyncIterator[Stub]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
    async with serving(edge) as edge_address:
        settings = with_network(settings, edge_address=edge_address)
        service = await start(settings.network, settings.storage, settings.charge_points, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield chargepoint_pb2_grpc.ChargePointServiceStub(channel)
        finally:
            await channel.close(None)
            await service.stop()


async def firmware_status(stub: Stub, status: str, request_id: int = 0) -> None:
    request = pb.RecordFirmwareStatusRequest(
        charge_point_id="CP1", status=status, request_id=request_id
    )
    await stub.RecordFirmwareStatus(request)


async def test_updates_keep_each_requests_history(stub: Stub) -> None:
    for status in ("Downloading", "Downloaded", "SignatureVerified"):
        await firmware_status(stub, status, 7)
    await firmware_status(stub, "Downloading", 8)
    await firmware_status(stub, "Installing", 7)
    await firmware_status(stub, "Installed", 7)
    await firmware_status(stub, "Idle")

    found = await stub.ListFirmwareUpdates(fw.ListFirmwareUpdatesRequest(charge_point_id="CP1"))

    assert [(u.request_id, u.status) for u in found.updates] == [
        (0, "Idle"),
        (7, "Installed"),
        (8, "Downloading"),
    ]
    seven = found.updates[1]
    assert [step.status for step in seven.steps] == [
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "Installed",
    ]
    assert seven.updated_at == seven.steps[-1].received_at
    point = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP1"))
    assert point.firmware_status == "Idle"
    only = await stub.ListFirmwareUpdates(
        fw.ListFirmwareUpdatesRequest(charge_point_id="CP1", request_id=8)
    )
    assert [u.request_id for u in only.updates] == [8]
    publications = await stub.ListFirmwarePublications(
        fw.ListFirmwarePublicationsRequest(charge_point_id="CP1")
    )
    assert list(publications.publications) == []


async def test_publications_keep_their_locations(stub: Stub) -> None:
    uris = ["http://lc.local/fw.bin", "ftp://lc.local/fw.bin"]
    for status in ("Downloading", "Downloaded", "ChecksumVerified"):
        await stub.RecordPublishFirmwareStatus(
            fw.RecordPublishFirmwareStatusRequest(
                charge_point_id="CP1", status=status, request_id=3
            )
        )
    await stub.RecordPublishFirmwareStatus(
        fw.RecordPublishFirmwareStatusRequest(
            charge_point_id="CP1", status="Published", request_id=3, locations=uris
        )
    )

    found = await stub.ListFirmwarePublications(
        fw.ListFirmwarePublicationsRequest(charge_point_id="CP1")
    )

    (publication,) = found.publications
    assert (publication.request_id, publication.status) == (3, "Published")
    assert list(publication.locations) == uris
    assert [list(step.locations) for step in publication.steps] == [[], [], [], uris]
    updates = await stub.ListFirmwareUpdates(fw.ListFirmwareUpdatesRequest(charge_point_id="CP1"))
    assert list(updates.updates) == []


async def test_bad_reports_and_unknown_stations_are_refused(stub: Stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPublishFirmwareStatus(
            fw.RecordPublishFirmwareStatusRequest(charge_point_id="CP1", status="", request_id=3)
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "status is required" in (caught.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPublishFirmwareStatus(
            fw.RecordPublishFirmwareStatusRequest(
                charge_point_id="CP1", status="Published", locations=["x" * 513]
            )
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "513 characters" in (caught.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ListFirmwareUpdates(fw.ListFirmwareUpdatesRequest(charge_point_id="NOPE"))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


SIGNED = edge_fw.UpdateSignedFirmwareRequest(
    charge_point_id="CP1",
    location="https://fw.example/v2.bin",
    signing_certificate="PEM",
    signature="c2ln",
)


async def test_a_signed_update_is_sent_and_kept_with_its_history(
    stub: Stub, edge: FakeEdge
) -> None:
    await firmware_status(stub, "Idle")  # the station is known
    edge.answer("UpdateSignedFirmware", "Accepted")
    request = edge_fw.UpdateSignedFirmwareRequest()
    request.CopyFrom(SIGNED)
    request.retrieve_at.FromSeconds(1_800_000_000)
    request.retries = 3

    answer = await stub.UpdateSignedFirmware(request)

    assert (answer.status, answer.request_id) == ("Accepted", 500)
    (sent,) = edge.requests_of(edge_fw.UpdateSignedFirmwareRequest)
    assert (sent.signature, sent.retries, sent.retrieve_at.seconds) == ("c2ln", 3, 1_800_000_000)
    found = await stub.ListFirmwareUpdates(
        fw.ListFirmwareUpdatesRequest(charge_point_id="CP1", request_id=500)
    )
    (update,) = found.updates
    assert (update.status, list(update.steps)) == ("Accepted", [])
    assert (update.request.location, update.request.signed, update.request.answer) == (
        "https://fw.example/v2.bin",
        True,
        "Accepted",
    )
    assert update.request.retrieve_at.seconds == 1_800_000_000
    assert not update.request.HasField("install_at")
    for status in ("Downloading", "Installed"):
        await firmware_status(stub, status, 500)
    (update,) = (
        await stub.ListFirmwareUpdates(
            fw.ListFirmwareUpdatesRequest(charge_point_id="CP1", request_id=500)
        )
    ).updates
    assert update.status == "Installed"
    assert [s.status for s in update.steps] == ["Downloading", "Installed"]
    assert update.request.answer == "Accepted"


async def test_a_publication_is_kept_with_its_checksum(stub: Stub, edge: FakeEdge) -> None:
    await firmware_status(stub, "Idle")
    edge.answer("PublishFirmware", "Accepted")
    answer = await stub.PublishFirmware(
        edge_fw.PublishFirmwareRequest(
            charge_point_id="CP1", location="https://fw/lc.bin", checksum="a" * 32, request_id=9
        )
    )
    assert (answer.status, answer.request_id) == ("Accepted", 9)
    (publication,) = (
        await stub.ListFirmwarePublications(
            fw.ListFirmwarePublicationsRequest(charge_point_id="CP1")
        )
    ).publications
    assert (publication.request_id, publication.request.checksum) == (9, "a" * 32)
    assert not publication.request.signed
    assert not publication.request.HasField("unpublished_at")

    edge.answer("UnpublishFirmware", "NoFirmware", "Unpublished")
    unpublish = edge_fw.UnpublishFirmwareRequest(charge_point_id="CP1", checksum="A" * 32)
    assert (await stub.UnpublishFirmware(unpublish)).status == "NoFirmware"
    listing = fw.ListFirmwarePublicationsRequest(charge_point_id="CP1")
    (publication,) = (await stub.ListFirmwarePublications(listing)).publications
    assert not publication.request.HasField("unpublished_at")
    assert (await stub.UnpublishFirmware(unpublish)).status == "Unpublished"
    (publication,) = (await stub.ListFirmwarePublications(listing)).publications
    assert publication.request.HasField("unpublished_at")


async def test_what_the_edge_refuses_is_not_kept(stub: Stub, edge: FakeEdge) -> None:
    await firmware_status(stub, "Idle")
    invalid = Failure(grpc.StatusCode.INVALID_ARGUMENT, "signature must be base64")
    edge.answer("UpdateSignedFirmware", invalid, NOT_CONNECTED)
    for code, words in (
        (grpc.StatusCode.INVALID_ARGUMENT, "signature must be base64"),
        (grpc.StatusCode.NOT_FOUND, "not connected"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.UpdateSignedFirmware(SIGNED)
        assert caught.value.code() is code
        assert words in (caught.value.details() or "")
    found = await stub.ListFirmwareUpdates(fw.ListFirmwareUpdatesRequest(charge_point_id="CP1"))
    assert [u.request_id for u in found.updates] == [0]
