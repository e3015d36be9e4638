"""Reports, events and the OCPP 2.x admission flow through the real server, over SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.settings import Settings

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

StartService = Callable[[AdmissionPolicy], Awaitable["Stub"]]
ACCEPTED = pb.ChargePoint.ACCEPTED
PENDING = pb.ChargePoint.PENDING
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def serve(database_url: str, tmp_path: Path) -> AsyncIterator[StartService]:
    """Starts the service (migrated, base report policy pending) and gives a stub."""
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    base = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def start_with(policy: AdmissionPolicy) -> Stub:
        charge_points = dataclasses.replace(
            base.charge_points,
            admission_policy=policy,
            base_report=BaseReportPolicy.PENDING,
            heartbeat_interval=300,
            boot_retry_interval=45,
        )
        service = await start(base.network, base.storage, charge_points, port=0)
        cleanups.append(service.stop)
        channel = open_channel(f"127.0.0.1:{service.port}")
        cleanups.append(functools.partial(channel.close, None))
        return chargepoint_pb2_grpc.ChargePointServiceStub(channel)

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


def _report(seq_no: int, tbc: bool, *variables: pb.ReportedVariable) -> pb.RecordReportRequest:
    return pb.RecordReportRequest(
        charge_point_id="CP1",
        request_id=42,
        seq_no=seq_no,
        tbc=tbc,
        generated_at=_stamp(AT),
        variables=variables,
    )


async def test_the_full_admission_flow(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.PENDING)
    boot = pb.RecordBootRequest(
        charge_point_id="CP1", ocpp_version="2.0.1", vendor="Acme", model="W2", reason="PowerUp"
    )
    first = await stub.RecordBoot(boot)
    assert (first.status, first.request_base_report, first.interval_seconds) == (
        PENDING,
        True,
        45,
    )

    power = pb.ReportedVariable(
        component="EVSE",
        evse_id=1,
        variable="Power",
        attribute_type="Actual",
        value="22000",
        mutability="ReadOnly",
        data_type="decimal",
        unit="W",
    )
    clock = pb.ReportedVariable(component="Clock", variable="TimeSource", value="NTP")
    connector = pb.ReportedVariable(
        component="Connector", evse_id=1, connector_id=1, variable="ConnectorType", value="cType2"
    )
    assert not (await stub.RecordReport(_report(0, True, power))).admit_now
    assert not (await stub.RecordReport(_report(1, True, clock))).admit_now
    assert (await stub.RecordReport(_report(2, False, connector))).admit_now

    stored = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP1"))
    assert stored.registration_status == ACCEPTED
    model = await stub.GetDeviceModel(pb.GetDeviceModelRequest(charge_point_id="CP1"))
    assert model.charge_point_id == "CP1" and model.HasField("reported_at")
    clock.attribute_type = "Actual"  # the OCPP default, filled in
    connector.attribute_type = "Actual"
    assert list(model.variables) == [clock, connector, power]

    again = await stub.RecordBoot(boot)
    assert (again.status, again.request_base_report, again.interval_seconds) == (
        ACCEPTED,
        False,
        300,
    )


async def test_only_pending_2x_boots_are_asked_for_a_base_report(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.PENDING)
    old = await stub.RecordBoot(pb.RecordBootRequest(charge_point_id="OLD", ocpp_version="1.6"))
    assert (old.status, old.request_base_report) == (PENDING, False)
    new = await stub.RecordBoot(pb.RecordBootRequest(charge_point_id="NEW", ocpp_version="2.1"))
    assert (new.status, new.request_base_report) == (PENDING, True)
    await stub.CreateChargePoint(pb.CreateChargePointRequest(id="OK", registration_status=ACCEPTED))
    accepted = await stub.RecordBoot(pb.RecordBootRequest(charge_point_id="OK", ocpp_version="2.1"))
    assert (accepted.status, accepted.request_base_report) == (ACCEPTED, False)
    # A report from a station that owed none admits nobody.
    answer = await stub.RecordReport(
        pb.RecordReportRequest(charge_point_id="OLD", seq_no=0, tbc=False)
    )
    assert not answer.admit_now
    still = await stub.GetChargePoint(pb.GetChargePointRequest(id="OLD"))
    assert still.registration_status == PENDING


async def test_security_events_are_kept_and_listed_newest_first(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.OPEN)
    for index in range(3):
        await stub.RecordSecurityEvent(
            pb.RecordSecurityEventRequest(
                charge_point_id="CP1",
                type=f"Event{index}",
                timestamp=_stamp(AT),
                tech_info=f"info {index}",
            )
        )
    first = await stub.ListSecurityEvents(
        pb.ListSecurityEventsRequest(charge_point_id="CP1", page_size=2)
    )
    assert list(first.security_events) == [
        pb.SecurityEvent(type="Event2", timestamp=_stamp(AT), tech_info="info 2"),
        pb.SecurityEvent(type="Event1", timestamp=_stamp(AT), tech_info="info 1"),
    ]
    rest = await stub.ListSecurityEvents(
        pb.ListSecurityEventsRequest(
            charge_point_id="CP1", page_size=2, page_token=first.next_page_token
        )
    )
    assert ([e.type for e in rest.security_events], rest.next_page_token) == (["Event0"], "")
    # Without a timestamp the event is dated on receipt.
    await stub.RecordSecurityEvent(pb.RecordSecurityEventRequest(charge_point_id="CP1", type="X"))
    newest = await stub.ListSecurityEvents(pb.ListSecurityEventsRequest(charge_point_id="CP1"))
    assert newest.security_events[0].timestamp.ToDatetime(tzinfo=UTC) > AT
    seen = await stub.GetChargePoint(pb.GetChargePointRequest(id="CP1"))
    assert seen.HasField("last_seen_at")


async def test_station_events_are_kept_and_listed_newest_first(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.OPEN)
    full = pb.StationEvent(
        event_id=1,
        timestamp=_stamp(AT),
        trigger="Alerting",
        cause=0,
        actual_value="true",
        tech_code="E1",
        tech_info="hot",
        cleared=False,
        transaction_id="tx-9",
        component="Connector",
        evse_id=1,
        variable="Problem",
        notification_type="HardWiredNotification",
    )
    cleared = pb.StationEvent(
        event_id=2,
        timestamp=_stamp(AT),
        trigger="Delta",
        cause=1,
        cleared=True,
        component="Connector",
        variable="Problem",
    )
    await stub.RecordEvents(
        pb.RecordEventsRequest(
            charge_point_id="CP1", generated_at=_stamp(AT), seq_no=0, events=[full, cleared]
        )
    )
    listed = await stub.ListEvents(pb.ListEventsRequest(charge_point_id="CP1", page_size=1))
    assert list(listed.events) == [cleared]
    rest = await stub.ListEvents(
        pb.ListEventsRequest(charge_point_id="CP1", page_token=listed.next_page_token)
    )
    assert (list(rest.events), rest.next_page_token) == ([full], "")


async def test_errors_have_their_status_and_a_useful_message(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.STRICT)
    not_found = grpc.StatusCode.NOT_FOUND
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    unknown: list[Awaitable[Any]] = [
        stub.RecordReport(pb.RecordReportRequest(charge_point_id="X", tbc=False)),
        stub.RecordSecurityEvent(pb.RecordSecurityEventRequest(charge_point_id="X", type="T")),
        stub.RecordEvents(pb.RecordEventsRequest(charge_point_id="X")),
    ]
    for call in unknown:
        assert await _status_of(call) == (
            not_found,
            "charge point X is not registered; register it with POST /charge-points",
        )
    reads: list[Awaitable[Any]] = [
        stub.GetDeviceModel(pb.GetDeviceModelRequest(charge_point_id="X")),
        stub.ListSecurityEvents(pb.ListSecurityEventsRequest(charge_point_id="X")),
        stub.ListEvents(pb.ListEventsRequest(charge_point_id="X")),
    ]
    for call in reads:
        code, message = await _status_of(call)
        assert (code, message.startswith("charge point 'X' does not exist")) == (not_found, True)

    await stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP1"))
    bad: list[tuple[Awaitable[Any], str]] = [
        (
            stub.RecordReport(pb.RecordReportRequest(charge_point_id="CP1", seq_no=-1)),
            "seq_no must be 0 or more",
        ),
        (
            stub.RecordReport(
                pb.RecordReportRequest(
                    charge_point_id="CP1", variables=[pb.ReportedVariable(variable="V")]
                )
            ),
            "component is required",
        ),
        (
            stub.RecordSecurityEvent(pb.RecordSecurityEventRequest(charge_point_id="CP1")),
            "type is required",
        ),
        (
            stub.RecordEvents(
                pb.RecordEventsRequest(charge_point_id="CP1", events=[pb.StationEvent(event_id=3)])
            ),
            "trigger is required in event 3",
        ),
        (
            stub.RecordEvents(pb.RecordEventsRequest(charge_point_id="CP1", seq_no=-2)),
            "seq_no must be 0 or more",
        ),
        (
            stub.ListEvents(pb.ListEventsRequest(charge_point_id="CP1", page_token="!!")),
            "page_token is not a token",
        ),
        (
            stub.ListSecurityEvents(
                pb.ListSecurityEventsRequest(charge_point_id="CP1", page_token="YWJj")
            ),
            "page_token is not a token",
        ),
    ]
    for call, expected in bad:
        code, message = await _status_of(call)
        assert code == invalid
        assert expected in message
    model = await stub.GetDeviceModel(pb.GetDeviceModelRequest(charge_point_id="CP1"))
    assert (list(model.variables), model.HasField("reported_at")) == ([], False)


async def test_variable_results_update_the_device_model_in_place(serve: StartService) -> None:
    stub = await serve(AdmissionPolicy.OPEN)
    interval = pb.ReportedVariable(
        component="OCPPCommCtrlr",
        variable="HeartbeatInterval",
        value="300",
        mutability="ReadWrite",
        data_type="integer",
    )
    await stub.RecordReport(_report(0, False, interval))
    answered = [
        pb.ReportedVariable(component="OCPPCommCtrlr", variable="HeartbeatInterval", value="60"),
        pb.ReportedVariable(
            component="EVSE", evse_id=1, variable="Power", attribute_type="MaxSet", value="7"
        ),
    ]
    await stub.RecordVariableResults(
        pb.RecordVariableResultsRequest(charge_point_id="CP1", variables=answered)
    )
    model = await stub.GetDeviceModel(pb.GetDeviceModelRequest(charge_point_id="CP1"))
    by_name = {(v.component, v.variable, v.attribute_type): v for v in model.variables}
    kept = by_name[("OCPPCommCtrlr", "HeartbeatInterval", "Actual")]
    assert (kept.value, kept.mutability, kept.data_type) == ("60", "ReadWrite", "integer")
    added = by_name[("EVSE", "Power", "MaxSet")]
    assert (added.value, added.evse_id, added.mutability) == ("7", 1, "")
    assert len(model.variables) == 2

    code, details = await _status_of(
        stub.RecordVariableResults(
            pb.RecordVariableResultsRequest(
                charge_point_id="CP1",
                variables=[pb.ReportedVariable(component="EVSE", variable="")],
            )
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "variable is required" in details
