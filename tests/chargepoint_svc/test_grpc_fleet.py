"""ListChargePoints' filters and GetFleetSummary (issue 14) through the real server on a
free port, over SQLite and PostgreSQL: the translation of the messages and errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf.json_format import MessageToDict

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc, fleet_pb2
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.settings import Settings

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

Status = pb.Connector.Status
BOOTS = [("A1", "1.6", "Acme"), ("A2", "2.0.1", "acme"), ("B1", "2.1", "Bolt")]


@pytest.fixture
async def stub(database_url: str, tmp_path: Path) -> AsyncIterator[Stub]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
    service = await start(settings.network, settings.storage, settings.charge_points, port=0)
    channel = open_channel(f"127.0.0.1:{service.port}")
    try:
        yield chargepoint_pb2_grpc.ChargePointServiceStub(channel)  # type: ignore[misc]
    finally:
        await channel.close(None)
        await service.stop()


async def _status_of(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


async def test_filters_total_size_and_summary(stub: Stub) -> None:
    for cp_id, version, vendor in BOOTS:
        await stub.RecordBoot(
            pb.RecordBootRequest(charge_point_id=cp_id, ocpp_version=version, vendor=vendor)
        )
        await stub.RecordConnectorStatus(
            pb.RecordConnectorStatusRequest(
                charge_point_id=cp_id,
                evse_id=1,
                connector_id=1,
                status=Status.FAULTED if cp_id == "B1" else Status.AVAILABLE,
            )
        )
    await stub.CreateChargePoint(pb.CreateChargePointRequest(id="C1"))

    acme = await stub.ListChargePoints(pb.ListChargePointsRequest(vendor="ACME", page_size=1))
    assert ([cp.id for cp in acme.charge_points], acme.total_size) == (["A1"], 2)
    rest = await stub.ListChargePoints(
        pb.ListChargePointsRequest(vendor="ACME", page_size=1, page_token=acme.next_page_token)
    )
    assert ([cp.id for cp in rest.charge_points], rest.next_page_token) == (["A2"], "")
    faulted = await stub.ListChargePoints(
        pb.ListChargePointsRequest(connector_status=Status.FAULTED, ocpp_version="2.1")
    )
    assert [cp.id for cp in faulted.charge_points] == ["B1"]
    everything = await stub.ListChargePoints(pb.ListChargePointsRequest())
    assert everything.total_size == 4

    summary = MessageToDict(await stub.GetFleetSummary(fleet_pb2.GetFleetSummaryRequest()))
    assert summary["totalStations"] == 4
    assert summary["stationsByOcppVersion"] == {"1.6": 1, "2.0.1": 1, "2.1": 1}
    assert summary["stationsNeverBooted"] == 1
    assert summary["stationsByWorstStatus"]["FAULTED"] == 1
    assert summary["stationsByWorstStatus"]["AVAILABLE"] == 2
    assert summary["stationsByWorstStatus"]["STATUS_UNSPECIFIED"] == 1
    assert summary["connectorsByStatus"]["AVAILABLE"] == 2
    assert summary["stationsByRegistrationStatus"] == {"ACCEPTED": 4, "PENDING": 0, "REJECTED": 0}
    assert summary["vendors"] == [
        {"value": "Acme", "count": 1},
        {"value": "Bolt", "count": 1},
        {"value": "acme", "count": 1},
    ]
    assert "lastStatusChangeAt" in summary


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (pb.ListChargePointsRequest(ocpp_version="1.5"), "ocpp_version must be one of"),
        (pb.ListChargePointsRequest(page_size=-1), "page_size must not be negative"),
        (pb.ListChargePointsRequest(connector_status=99), "connector_status 99 is not one of"),  # type: ignore[arg-type]
        (
            pb.ListChargePointsRequest(registration_status=42),  # type: ignore[arg-type]
            "registration_status 42 is not one of",
        ),
        (
            pb.ListChargePointsRequest(vendor="Acme", page_token="QTE="),
            "page_token was given out for other filters",
        ),
    ],
)
async def test_bad_filters_are_invalid_arguments_naming_the_field(
    stub: Stub, request_: pb.ListChargePointsRequest, message: str
) -> None:
    code, details = await _status_of(stub.ListChargePoints(request_))
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert message in details
