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
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.settings import Settings

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub


@pytest.fixture
async def stub(database_url: str, tmp_path: Path) -> AsyncIterator[Stub]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
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
