"""ChangeRegistration through the real server on a free port, over SQLite and PostgreSQL,
calling a real gRPC EdgeService that answers from a script (tests.support.fake_edge)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.edge.v1 import operations_pb2
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.settings import Settings
from tests.support.fake_edge import NOT_CONNECTED, FakeEdge, serving

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

Boot = pb.ChangeRegistrationResponse


@dataclasses.dataclass(frozen=True)
class Served:
    stub: Stub
    edge: FakeEdge


@pytest.fixture
async def served(database_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    edge = FakeEdge()  # type: ignore[abstract]  # serves TriggerMessage only
    async with serving(edge) as edge_address:
        settings = Settings.from_env(
            {
                "CSMS_DATA_DIR": str(tmp_path),
                "CSMS_CHARGEPOINT_DATABASE_URL": database_url,
                "CSMS_EDGE_ADDRESS": edge_address,
            }
        )
        charge_points = dataclasses.replace(
            settings.charge_points, admission_policy=AdmissionPolicy.STRICT
        )
        service = await start(settings.network, settings.storage, charge_points, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield Served(chargepoint_pb2_grpc.ChargePointServiceStub(channel), edge)
        finally:
            await channel.close(None)
            await service.stop()


async def test_accepting_a_pending_station_triggers_its_boot(served: Served) -> None:
    stub = served.stub
    await stub.CreateChargePoint(
        pb.CreateChargePointRequest(id="CP-1", registration_status=pb.ChargePoint.PENDING)
    )
    reply = await stub.ChangeRegistration(
        pb.ChangeRegistrationRequest(charge_point_id="CP-1", status=pb.ChargePoint.ACCEPTED)
    )
    assert reply.previous_status == pb.ChargePoint.PENDING
    assert reply.charge_point.registration_status == pb.ChargePoint.ACCEPTED
    assert reply.boot == Boot.TRIGGERED
    (trigger,) = served.edge.requests_of(operations_pb2.TriggerMessageRequest)
    assert trigger.charge_point_id == "CP-1"
    assert trigger.requested_message == operations_pb2.TriggerMessageRequest.BOOT_NOTIFICATION
    stored = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP-1"))
    assert stored.registration_status == pb.ChargePoint.ACCEPTED
    boot = await stub.RecordBoot(pb.RecordBootRequest(charge_point_id="CP-1", ocpp_version="1.6"))
    assert boot.status == pb.ChargePoint.ACCEPTED


async def test_a_station_not_connected_is_accepted_at_its_next_boot(served: Served) -> None:
    served.edge.answer("TriggerMessage", NOT_CONNECTED)
    await served.stub.CreateChargePoint(
        pb.CreateChargePointRequest(id="CP-2", registration_status=pb.ChargePoint.REJECTED)
    )
    reply = await served.stub.ChangeRegistration(
        pb.ChangeRegistrationRequest(charge_point_id="CP-2", status=pb.ChargePoint.ACCEPTED)
    )
    assert (reply.previous_status, reply.boot) == (pb.ChargePoint.REJECTED, Boot.NOT_CONNECTED)


async def test_rejecting_waits_for_the_next_boot(served: Served) -> None:
    await served.stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP-3"))
    reply = await served.stub.ChangeRegistration(
        pb.ChangeRegistrationRequest(charge_point_id="CP-3", status=pb.ChargePoint.REJECTED)
    )
    assert reply.boot == Boot.AT_NEXT_BOOT
    assert served.edge.requests == []
    boot = await served.stub.RecordBoot(
        pb.RecordBootRequest(charge_point_id="CP-3", ocpp_version="2.0.1")
    )
    assert boot.status == pb.ChargePoint.REJECTED


@pytest.mark.parametrize(
    ("charge_point_id", "status", "code", "words"),
    [
        ("CP-9", pb.ChargePoint.ACCEPTED, grpc.StatusCode.NOT_FOUND, "'CP-9' does not exist"),
        ("CP-4", 0, grpc.StatusCode.INVALID_ARGUMENT, "status is required"),
        ("CP-4", 42, grpc.StatusCode.INVALID_ARGUMENT, "status 42 is not one of"),
    ],
)
async def test_bad_requests(
    served: Served, charge_point_id: str, status: int, code: grpc.StatusCode, words: str
) -> None:
    await served.stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP-4"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await served.stub.ChangeRegistration(
            pb.ChangeRegistrationRequest(
                charge_point_id=charge_point_id,
                status=status,  # type: ignore[arg-type]
            )
        )
    assert caught.value.code() == code
    assert words in (caught.value.details() or "")
