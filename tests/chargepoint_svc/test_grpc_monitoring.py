"""Monitoring through the real server, over SQLite and PostgreSQL: NotifyMonitoringReport
parts replace the kept monitors once complete, SetVariableMonitoring and
ClearVariableMonitoring go to a real (fake) EdgeService and change what is kept, and
NotifyEvent events are linked to their monitor and filtered."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.chargepoint.v1 import monitoring_pb2 as mpb
from csms.edge.v1 import monitoring_pb2 as edge_mpb
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.settings import Settings
from tests.support.fake_edge import NOT_CONNECTED, FakeEdge, serving
from tests.support.settings import with_network

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Served:
    stub: Stub
    edge: FakeEdge


@pytest.fixture
async def served(database_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    """The migrated service, its edge a scripted fake, and charge point CP1 registered."""
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    edge = FakeEdge()  # type: ignore[abstract]  # serves the operations under test only
    cleanups: list[Callable[[], Awaitable[None]]] = []
    async with serving(edge) as edge_address:
        settings = with_network(
            Settings.from_env(
                {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
            ),
            edge_address=edge_address,
        )
        service = await start(settings.network, settings.storage, settings.charge_points, port=0)
        cleanups.append(service.stop)
        channel = open_channel(f"127.0.0.1:{service.port}")
        cleanups.append(functools.partial(channel.close, None))
        stub = chargepoint_pb2_grpc.ChargePointServiceStub(channel)
        await stub.CreateChargePoint(pb.CreateChargePointRequest(id="CP1"))
        try:
            yield Served(stub, edge)
        finally:
            for cleanup in reversed(cleanups):
                await cleanup()


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _monitor(monitor_id: int, variable: str = "Power", severity: int = 5) -> mpb.Monitor:
    return mpb.Monitor(
        id=monitor_id,
        component="EVSE",
        evse_id=1,
        variable=variable,
        type="UpperThreshold",
        value=11000.5,
        severity=severity,
        notification_type="PreconfiguredMonitor",
    )


def _part(request_id: int, seq_no: int, tbc: bool, *monitors: mpb.Monitor) -> Any:
    return mpb.RecordMonitoringReportRequest(
        charge_point_id="CP1",
        request_id=request_id,
        seq_no=seq_no,
        tbc=tbc,
        generated_at=_stamp(AT),
        monitors=monitors,
    )


async def _ids(stub: Stub, **filters: Any) -> list[int]:
    found = await stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1", **filters))
    return [monitor.id for monitor in found.monitors]


async def _status_of(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


async def test_a_complete_report_replaces_the_kept_monitors(served: Served) -> None:
    stub = served.stub
    await stub.RecordMonitoringReport(_part(1, 0, True, _monitor(1), _monitor(2, "Voltage")))
    await stub.RecordMonitoringReport(_part(1, 1, False, _monitor(3, "Current")))
    assert await _ids(stub) == [1, 2, 3]
    first = (await stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1"))).monitors[0]
    assert (first.component, first.evse_id, first.variable, first.type, first.value) == (
        "EVSE",
        1,
        "Power",
        "UpperThreshold",
        11000.5,
    )
    assert first.notification_type == "PreconfiguredMonitor"

    # A later report's parts update in place; until its last part, the old ones stay.
    await stub.RecordMonitoringReport(_part(2, 0, True, _monitor(2, "Voltage", severity=1)))
    assert await _ids(stub) == [1, 2, 3]
    await stub.RecordMonitoringReport(_part(2, 1, False, _monitor(4, "Problem")))
    assert await _ids(stub) == [2, 4]
    kept = (await stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1"))).monitors
    assert kept[0].severity == 1


async def test_monitors_are_filtered_and_paged(served: Served) -> None:
    stub = served.stub
    monitors = [_monitor(i, "Power" if i % 2 else "Voltage") for i in range(1, 8)]
    await stub.RecordMonitoringReport(_part(1, 0, False, *monitors))
    assert await _ids(stub, variable="Voltage") == [2, 4, 6]
    assert await _ids(stub, component="Connector") == []
    first = await stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1", page_size=3))
    assert [m.id for m in first.monitors] == [1, 2, 3]
    second = await stub.ListMonitors(
        mpb.ListMonitorsRequest(
            charge_point_id="CP1", page_size=3, page_token=first.next_page_token
        )
    )
    assert [m.id for m in second.monitors] == [4, 5, 6]
    code, details = await _status_of(
        stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1", page_token="x"))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in details
    code, _ = await _status_of(stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP9")))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_a_bad_report_is_refused_and_changes_nothing(served: Served) -> None:
    stub = served.stub
    await stub.RecordMonitoringReport(_part(1, 0, False, _monitor(1)))
    code, details = await _status_of(
        stub.RecordMonitoringReport(_part(2, 0, False, _monitor(2, severity=12)))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "severity of monitor 2" in details
    assert await _ids(stub) == [1]


def _setting(variable: str, **fields: Any) -> edge_mpb.MonitorSetting:
    return edge_mpb.MonitorSetting(
        variable=edge_mpb.MonitoredVariable(component="EVSE", evse_id=1, variable=variable),
        type=edge_mpb.LOWER_THRESHOLD,
        value=207.0,
        severity=2,
        **fields,
    )


async def test_accepted_monitors_are_kept_with_the_station_ids(served: Served) -> None:
    stub, edge = served.stub, served.edge
    answer = await stub.SetVariableMonitoring(
        edge_mpb.SetVariableMonitoringRequest(
            charge_point_id="CP1",
            monitors=[_setting("Voltage"), _setting("Power", transaction=True)],
        )
    )
    assert [result.id for result in answer.results] == [100, 101]
    assert edge.requests_of(edge_mpb.SetVariableMonitoringRequest)[0].charge_point_id == "CP1"
    kept = (await stub.ListMonitors(mpb.ListMonitorsRequest(charge_point_id="CP1"))).monitors
    assert [(m.id, m.variable, m.type, m.value, m.severity, m.transaction) for m in kept] == [
        (100, "Voltage", "LowerThreshold", 207.0, 2, False),
        (101, "Power", "LowerThreshold", 207.0, 2, True),
    ]
    assert {m.notification_type for m in kept} == {"CustomMonitor"}

    edge.answer("SetVariableMonitoring", "REJECTED")
    answer = await stub.SetVariableMonitoring(
        edge_mpb.SetVariableMonitoringRequest(charge_point_id="CP1", monitors=[_setting("X")])
    )
    assert answer.results[0].status == edge_mpb.MonitorSettingResult.REJECTED
    assert await _ids(stub) == [100, 101]

    edge.answer("ClearVariableMonitoring", "ACCEPTED")
    cleared = await stub.ClearVariableMonitoring(
        edge_mpb.ClearVariableMonitoringRequest(charge_point_id="CP1", ids=[100])
    )
    assert [(r.id, r.status) for r in cleared.results] == [
        (100, edge_mpb.ClearMonitorResult.ACCEPTED)
    ]
    assert await _ids(stub) == [101]

    edge.answer("ClearVariableMonitoring", "REJECTED")
    await stub.ClearVariableMonitoring(
        edge_mpb.ClearVariableMonitoringRequest(charge_point_id="CP1", ids=[101])
    )
    assert await _ids(stub) == [101]


async def test_edge_errors_pass_through_and_keep_nothing(served: Served) -> None:
    stub, edge = served.stub, served.edge
    edge.answer("SetVariableMonitoring", NOT_CONNECTED)
    code, details = await _status_of(
        stub.SetVariableMonitoring(
            edge_mpb.SetVariableMonitoringRequest(charge_point_id="CP1", monitors=[_setting("V")])
        )
    )
    assert code == grpc.StatusCode.NOT_FOUND and "not connected" in details
    assert await _ids(stub) == []
    code, _ = await _status_of(
        stub.SetVariableMonitoring(
            edge_mpb.SetVariableMonitoringRequest(charge_point_id="CP9", monitors=[_setting("V")])
        )
    )
    assert code == grpc.StatusCode.NOT_FOUND
    assert len(edge.requests_of(edge_mpb.SetVariableMonitoringRequest)) == 1


def _event(event_id: int, moment: datetime, **fields: Any) -> pb.StationEvent:
    values: dict[str, Any] = {
        "trigger": "Alerting",
        "component": "EVSE",
        "variable": "Power",
        "actual_value": "12000",
        "notification_type": "CustomMonitor",
        **fields,
    }
    return pb.StationEvent(event_id=event_id, timestamp=_stamp(moment), **values)


async def _event_ids(stub: Stub, **filters: Any) -> list[int]:
    found = await stub.ListEvents(pb.ListEventsRequest(charge_point_id="CP1", **filters))
    return [event.event_id for event in found.events]


async def test_events_are_linked_to_their_monitor_and_filtered(served: Served) -> None:
    stub = served.stub
    await stub.RecordMonitoringReport(_part(1, 0, False, _monitor(7, severity=3)))
    later = datetime(2025, 3, 1, 13, 0, tzinfo=UTC)
    await stub.RecordEvents(
        pb.RecordEventsRequest(
            charge_point_id="CP1",
            generated_at=_stamp(AT),
            events=[
                _event(1, AT, variable_monitoring_id=7),
                _event(2, later, variable_monitoring_id=7, cleared=True),
                _event(3, later, trigger="Periodic", variable="Voltage", severity=8),
                _event(4, AT, component="Connector", variable_monitoring_id=99),
            ],
        )
    )
    events = (await stub.ListEvents(pb.ListEventsRequest(charge_point_id="CP1"))).events
    by_id = {event.event_id: event for event in events}
    # Monitor 7's severity is attached; an unknown monitor's event keeps its id, no severity.
    assert by_id[1].severity == 3 and by_id[1].variable_monitoring_id == 7
    assert not by_id[4].HasField("severity") and by_id[4].variable_monitoring_id == 99
    assert not by_id[3].HasField("variable_monitoring_id") and by_id[3].severity == 8

    assert await _event_ids(stub, variable_monitoring_id=7) == [2, 1]
    assert await _event_ids(stub, trigger="Periodic") == [3]
    assert await _event_ids(stub, component="Connector") == [4]
    assert await _event_ids(stub, max_severity=5) == [2, 1]
    assert await _event_ids(stub, cleared=True) == [2]
    assert await _event_ids(stub, cleared=False) == [4, 3, 1]
    assert await _event_ids(stub, from_time=_stamp(later)) == [3, 2]
    assert await _event_ids(stub, to_time=_stamp(later)) == [4, 1]
    code, details = await _status_of(
        stub.ListEvents(pb.ListEventsRequest(charge_point_id="CP1", max_severity=10))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "max_severity" in details
