"""The real server on a free port over SQLite and PostgreSQL, through a real channel."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2 as grpc_health_pb2
from grpc_health.v1 import health_pb2_grpc as grpc_health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from chargepoint_svc.server import SERVICE_NAME, start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.common.v1 import health_pb2
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.settings import Settings

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub


@dataclasses.dataclass(frozen=True)
class Client:
    stub: Stub
    channel: grpc.aio.Channel


StartService = Callable[[AdmissionPolicy], Awaitable[Client]]
ACCEPTED = pb.ChargePoint.ACCEPTED
PENDING = pb.ChargePoint.PENDING
REJECTED = pb.ChargePoint.REJECTED


@pytest.fixture
async def serve(database_url: str, tmp_path: Path) -> AsyncIterator[StartService]:
    """Starts the service (migrated, with the given admission policy) and gives a client."""
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    base = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def start_with(policy: AdmissionPolicy) -> Client:
        charge_points = dataclasses.replace(
            base.charge_points,
            admission_policy=policy,
            heartbeat_interval=300,
            boot_retry_interval=45,
        )
        service = await start(base.network, base.storage, charge_points, port=0)
        cleanups.append(service.stop)
        channel = open_channel(f"127.0.0.1:{service.port}")
        cleanups.append(functools.partial(channel.close, None))
        return Client(chargepoint_pb2_grpc.ChargePointServiceStub(channel), channel)

    yield start_with
    for cleanup in reversed(cleanups):
        await cleanup()


async def _status_of(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


async def test_health_answers_serving(serve: StartService) -> None:
    stub = (await serve(AdmissionPolicy.OPEN)).stub
    report = await stub.GetHealth(health_pb2.GetHealthRequest())
    assert (report.component, report.status) == ("chargepoint", "SERVING")


async def test_create_get_and_list(serve: StartService) -> None:
    stub = (await serve(AdmissionPolicy.STRICT)).stub
    created = await stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP-B"))
    assert (created.id, created.registration_status) == ("CP-B", ACCEPTED)
    assert created.HasField("created_at") and not created.HasField("last_seen_at")
    for name in ["CP-C", "CP-A"]:
        await stub.CreateChargePoint(
            pb.CreateChargePointRequest(id=name, registration_status=PENDING)
        )

    fetched = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP-B"))
    assert fetched == created

    first = await stub.ListChargePoints(pb.ListChargePointsRequest(page_size=2))
    assert [cp.id for cp in first.charge_points] == ["CP-A", "CP-B"]
    rest = await stub.ListChargePoints(
        pb.ListChargePointsRequest(page_size=2, page_token=first.next_page_token)
    )
    assert ([cp.id for cp in rest.charge_points], rest.next_page_token) == (["CP-C"], "")
    assert rest.charge_points[0].registration_status == PENDING


async def test_request_errors_have_their_status_and_a_useful_message(serve: StartService) -> None:
    stub = (await serve(AdmissionPolicy.OPEN)).stub
    await stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP1"))
    cases: list[tuple[Awaitable[Any], grpc.StatusCode, str]] = [
        (
            stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP 1")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "charge point id 'CP 1' is not valid: use 1 to 48 characters from A-Z",
        ),
        (
            stub.CreateChargePoint(pb.CreateChargePointRequest(id="x" * 49)),
            grpc.StatusCode.INVALID_ARGUMENT,
            "is not valid",
        ),
        (
            stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP1")),
            grpc.StatusCode.ALREADY_EXISTS,
            "charge point 'CP1' already exists",
        ),
        (
            stub.GetChargePoint(pb.GetChargePointRequest(id="NOPE")),
            grpc.StatusCode.NOT_FOUND,
            "charge point 'NOPE' does not exist",
        ),
        (
            stub.ListChargePoints(pb.ListChargePointsRequest(page_token="abc")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "page_token is not a token this API gave out",
        ),
        (
            stub.RecordConnectorStatus(
                pb.RecordConnectorStatusRequest(charge_point_id="CP1", evse_id=1, connector_id=1)
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "status is required: one of AVAILABLE, PREPARING",
        ),
        (
            stub.RecordConnectorStatus(
                pb.RecordConnectorStatusRequest(
                    charge_point_id="CP1", evse_id=-1, status=pb.Connector.AVAILABLE
                )
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "evse_id must be 0 or more, got -1",
        ),
        (
            stub.RecordConnectorStatus(
                pb.RecordConnectorStatusRequest(
                    charge_point_id="CP1", connector_id=-3, status=pb.Connector.AVAILABLE
                )
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "connector_id must be 0 or more, got -3",
        ),
        (
            stub.RecordFirmwareStatus(pb.RecordFirmwareStatusRequest(charge_point_id="CP1")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "firmware_status is required",
        ),
        (
            stub.RecordDiagnosticsStatus(pb.RecordDiagnosticsStatusRequest(charge_point_id="CP1")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "diagnostics_status is required",
        ),
        (
            stub.RecordBoot(pb.RecordBootRequest(charge_point_id="CP1", model="m" * 21)),
            grpc.StatusCode.INVALID_ARGUMENT,
            "model is 21 characters long; OCPP allows at most 20",
        ),
        (
            stub.RecordHeartbeat(pb.RecordHeartbeatRequest(charge_point_id="")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "charge point id '' is not valid",
        ),
    ]
    for call, code, message in cases:
        status, details = await _status_of(call)
        assert status == code, details
        assert message in details


async def test_boot_registers_under_open_policy_and_stores_boot_data(serve: StartService) -> None:
    stub = (await serve(AdmissionPolicy.OPEN)).stub
    answer = await stub.RecordBoot(
        pb.RecordBootRequest(
            charge_point_id="SIM001",
            ocpp_version="1.6",
            vendor="Acme",
            model="Wallbox",
            serial_number="SN-9",
            firmware_version="2.0",
            iccid="8931",
            imsi="2620",
            meter_type="AC",
            meter_serial_number="M-9",
            reason="PowerUp",
        )
    )
    assert (answer.status, answer.interval_seconds) == (ACCEPTED, 300)
    assert answer.HasField("current_time")
    stored = await stub.GetChargePoint(pb.GetChargePointRequest(id="SIM001"))
    assert (stored.vendor, stored.model, stored.serial_number, stored.ocpp_version) == (
        "Acme",
        "Wallbox",
        "SN-9",
        "1.6",
    )
    assert (stored.iccid, stored.imsi, stored.meter_type, stored.meter_serial_number) == (
        "8931",
        "2620",
        "AC",
        "M-9",
    )
    assert stored.last_boot_at == stored.last_seen_at == answer.current_time


async def test_pending_and_strict_admission(serve: StartService) -> None:
    pending = (await serve(AdmissionPolicy.PENDING)).stub
    answer = await pending.RecordBoot(pb.RecordBootRequest(charge_point_id="P1"))
    assert (answer.status, answer.interval_seconds) == (PENDING, 45)
    await pending.RecordHeartbeat(pb.RecordHeartbeatRequest(charge_point_id="P2"))
    stored = await pending.GetChargePoint(pb.GetChargePointRequest(id="P2"))
    assert stored.registration_status == PENDING

    strict = (await serve(AdmissionPolicy.STRICT)).stub
    answer = await strict.RecordBoot(pb.RecordBootRequest(charge_point_id="S1"))
    assert (answer.status, answer.interval_seconds) == (REJECTED, 45)
    assert (await _status_of(strict.GetChargePoint(pb.GetChargePointRequest(id="S1"))))[0] == (
        grpc.StatusCode.NOT_FOUND
    )
    assert await _status_of(
        strict.RecordHeartbeat(pb.RecordHeartbeatRequest(charge_point_id="S1"))
    ) == (
        grpc.StatusCode.NOT_FOUND,
        "charge point S1 is not registered; register it with POST /charge-points",
    )
    refused = await strict.CheckAdmission(pb.CheckAdmissionRequest(charge_point_id="S1"))
    assert (refused.admitted, refused.registered) == (False, False)
    assert "not registered and the admission policy is strict" in refused.reason
    await strict.CreateChargePoint(pb.CreateChargePointRequest(id="S1"))
    admitted = await strict.CheckAdmission(pb.CheckAdmissionRequest(charge_point_id="S1"))
    assert (admitted.admitted, admitted.registered, admitted.registration_status) == (
        True,
        True,
        ACCEPTED,
    )
    answer = await strict.RecordBoot(pb.RecordBootRequest(charge_point_id="S1"))
    assert (answer.status, answer.interval_seconds) == (ACCEPTED, 300)
    # Under pending, an unknown one may connect: its boot registers it.
    unknown = await pending.CheckAdmission(pb.CheckAdmissionRequest(charge_point_id="P9"))
    assert (unknown.admitted, unknown.registered, unknown.reason) == (True, False, "")
    assert (await _status_of(strict.CheckAdmission(pb.CheckAdmissionRequest())))[0] == (
        grpc.StatusCode.INVALID_ARGUMENT
    )


async def test_station_events_are_recorded(serve: StartService) -> None:
    stub = (await serve(AdmissionPolicy.OPEN)).stub
    beat = await stub.RecordHeartbeat(pb.RecordHeartbeatRequest(charge_point_id="CP1"))
    assert beat.HasField("current_time")

    at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    await stub.RecordConnectorStatus(
        pb.RecordConnectorStatusRequest(
            charge_point_id="CP1",
            evse_id=1,
            connector_id=1,
            status=pb.Connector.CHARGING,
            error_code="NoError",
            info="plugged",
            vendor_id="com.acme",
            vendor_error_code="E0",
            timestamp=_stamp(at),
        )
    )
    # Queued and resent after a reconnect: older than what is stored, so it must not win.
    await stub.RecordConnectorStatus(
        pb.RecordConnectorStatusRequest(
            charge_point_id="CP1",
            evse_id=1,
            connector_id=1,
            status=pb.Connector.AVAILABLE,
            timestamp=_stamp(at - timedelta(minutes=10)),
        )
    )
    await stub.RecordConnectorStatus(
        pb.RecordConnectorStatusRequest(
            charge_point_id="CP1", evse_id=0, connector_id=0, status=pb.Connector.UNAVAILABLE
        )
    )
    await stub.RecordFirmwareStatus(
        pb.RecordFirmwareStatusRequest(charge_point_id="CP1", status="Installed", request_id=7)
    )
    await stub.RecordDiagnosticsStatus(
        pb.RecordDiagnosticsStatusRequest(charge_point_id="CP1", status="Uploaded")
    )
    transfer = await stub.RecordDataTransfer(
        pb.RecordDataTransferRequest(
            charge_point_id="CP1", vendor_id="com.acme", message_id="Hi", data='{"x": 1}'
        )
    )
    assert (transfer.status, transfer.data) == (pb.RecordDataTransferResponse.UNKNOWN_VENDOR_ID, "")

    stored = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP1"))
    assert (stored.firmware_status, stored.diagnostics_status) == ("Installed", "Uploaded")
    assert stored.last_seen_at.ToDatetime(tzinfo=UTC) >= beat.current_time.ToDatetime(tzinfo=UTC)
    whole, charging = stored.connectors
    assert (whole.evse_id, whole.connector_id, whole.status) == (0, 0, pb.Connector.UNAVAILABLE)
    assert whole.status_at.ToDatetime(tzinfo=UTC) >= beat.current_time.ToDatetime(tzinfo=UTC)
    assert charging == pb.Connector(
        evse_id=1,
        connector_id=1,
        status=pb.Connector.CHARGING,
        error_code="NoError",
        info="plugged",
        vendor_id="com.acme",
        vendor_error_code="E0",
        status_at=_stamp(at),
    )
    listed = await stub.ListChargePoints(pb.ListChargePointsRequest())
    assert list(listed.charge_points) == [stored]


@pytest.mark.parametrize("policy", [AdmissionPolicy.OPEN, AdmissionPolicy.PENDING])
async def test_concurrent_first_boots_of_one_charge_point_both_succeed(
    serve: StartService, policy: AdmissionPolicy
) -> None:
    stub = (await serve(policy)).stub
    expected = ACCEPTED if policy is AdmissionPolicy.OPEN else PENDING
    for round_number in range(3):
        cp_id = f"RACE{round_number}"
        answers = await asyncio.gather(
            stub.RecordBoot(pb.RecordBootRequest(charge_point_id=cp_id, vendor="A")),
            stub.RecordBoot(pb.RecordBootRequest(charge_point_id=cp_id, vendor="B")),
            stub.RecordHeartbeat(pb.RecordHeartbeatRequest(charge_point_id=cp_id)),
        )
        assert [answer.status for answer in answers[:2]] == [expected, expected]
        stored = await stub.GetChargePoint(pb.GetChargePointRequest(id=cp_id))
        assert stored.vendor in {"A", "B"}
    listed = await stub.ListChargePoints(pb.ListChargePointsRequest())
    assert [cp.id for cp in listed.charge_points] == ["RACE0", "RACE1", "RACE2"]


async def test_standard_health_and_reflection(serve: StartService) -> None:
    channel = (await serve(AdmissionPolicy.OPEN)).channel
    health = grpc_health_pb2_grpc.HealthStub(channel)
    for service in ["", SERVICE_NAME]:
        answer = await health.Check(grpc_health_pb2.HealthCheckRequest(service=service))
        assert answer.status == grpc_health_pb2.HealthCheckResponse.SERVING

    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    call = reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    names = {
        service.name
        async for response in call
        for service in response.list_services_response.service
    }
    assert SERVICE_NAME == "csms.chargepoint.v1.ChargePointService"
    assert {SERVICE_NAME, "grpc.health.v1.Health"} <= names
