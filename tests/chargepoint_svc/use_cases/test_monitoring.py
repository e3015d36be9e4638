"""Monitoring over the in-memory adapters and a scripted station: what is kept after
reports, accepted settings and clears."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chargepoint_svc.adapters.edge_monitors import accepted_monitors, gone_ids
from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import (
    Admission,
    ChargePointId,
    RegistrationStatus,
)
from chargepoint_svc.domain.monitors import Monitor, MonitoringReportPart
from chargepoint_svc.errors import ChargePointNotFound
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.monitoring import MonitoringUseCases
from csms.edge.v1 import monitoring_pb2 as edge
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.clock import FixedClock
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ACCEPTED = edge.MonitorSettingResult.ACCEPTED


class ScriptedStation:
    """Answers as the edge would, and pairs the answer as the real adapter does."""

    def __init__(self) -> None:
        self.set_answer = edge.SetVariableMonitoringResponse()
        self.clear_answer = edge.ClearVariableMonitoringResponse()
        self.sent = 0

    async def set_monitors(
        self, request: edge.SetVariableMonitoringRequest, now: datetime
    ) -> tuple[edge.SetVariableMonitoringResponse, list[Monitor]]:
        self.sent += 1
        return self.set_answer, accepted_monitors(request, self.set_answer, now)

    async def clear_monitors(
        self, request: edge.ClearVariableMonitoringRequest
    ) -> tuple[edge.ClearVariableMonitoringResponse, list[int]]:
        self.sent += 1
        return self.clear_answer, gone_ids(self.clear_answer)


@pytest.fixture
async def harness() -> tuple[MonitoringUseCases, ScriptedStation]:
    store = MemoryStore()
    clock = FixedClock(T0)
    admission = Admission(AdmissionPolicy.OPEN, 300, 60, BaseReportPolicy.PENDING)
    charge_points = ChargePointUseCases(lambda: MemoryUnitOfWork(store), clock, admission)
    await charge_points.create_charge_point("CP1", RegistrationStatus.ACCEPTED)
    station = ScriptedStation()
    return MonitoringUseCases(lambda: MemoryUnitOfWork(store), clock, admission, station), station


def _setting(variable: str) -> edge.MonitorSetting:
    return edge.MonitorSetting(
        variable=edge.MonitoredVariable(component="EVSE", evse_id=1, variable=variable),
        type=edge.DELTA,
        value=2.5,
        severity=6,
    )


def _result(status: int, monitor_id: int | None = None) -> edge.MonitorSettingResult:
    result = edge.MonitorSettingResult(status=status)  # type: ignore[arg-type]
    if monitor_id is not None:
        result.id = monitor_id
    return result


async def _ids(monitoring: MonitoringUseCases) -> list[int]:
    page = await monitoring.list_monitors("CP1", "", "", PageRequest.parse(0, ""))
    return [monitor.id for monitor in page.monitors]


async def test_only_accepted_results_are_kept_in_the_order_of_the_settings(
    harness: tuple[MonitoringUseCases, ScriptedStation],
) -> None:
    monitoring, station = harness
    station.set_answer = edge.SetVariableMonitoringResponse(
        results=[_result(ACCEPTED, 40), _result(edge.MonitorSettingResult.DUPLICATE)]
    )
    request = edge.SetVariableMonitoringRequest(
        charge_point_id="CP1", monitors=[_setting("Voltage"), _setting("Power")]
    )
    answer = await monitoring.set_monitors(request)
    assert answer is station.set_answer
    page = await monitoring.list_monitors("CP1", "", "", PageRequest.parse(0, ""))
    assert [(m.id, m.variable, m.type, m.value) for m in page.monitors] == [
        (40, "Voltage", "Delta", 2.5)
    ]


async def test_a_mismatched_answer_keeps_nothing(
    harness: tuple[MonitoringUseCases, ScriptedStation],
) -> None:
    monitoring, station = harness
    station.set_answer = edge.SetVariableMonitoringResponse(results=[_result(ACCEPTED, 40)])
    request = edge.SetVariableMonitoringRequest(
        charge_point_id="CP1", monitors=[_setting("Voltage"), _setting("Power")]
    )
    await monitoring.set_monitors(request)
    assert await _ids(monitoring) == []


async def test_cleared_and_not_found_ids_are_forgotten_rejected_ones_kept(
    harness: tuple[MonitoringUseCases, ScriptedStation],
) -> None:
    monitoring, station = harness
    monitors = tuple(
        Monitor(ChargePointId("CP1"), i, "EVSE", "Power", "Delta", 1.0, 5, T0, report_id=1)
        for i in (1, 2, 3)
    )
    await monitoring.record_report(
        "CP1", lambda cp, now: MonitoringReportPart(1, 0, False, monitors)
    )
    status = edge.ClearMonitorResult
    station.clear_answer = edge.ClearVariableMonitoringResponse(
        results=[
            status(id=1, status=status.ACCEPTED),
            status(id=2, status=status.REJECTED),
            status(id=3, status=status.NOT_FOUND),
        ]
    )
    await monitoring.clear_monitors(
        edge.ClearVariableMonitoringRequest(charge_point_id="CP1", ids=[1, 2, 3])
    )
    assert await _ids(monitoring) == [2]


async def test_an_unknown_station_is_refused_before_sending(
    harness: tuple[MonitoringUseCases, ScriptedStation],
) -> None:
    monitoring, station = harness
    with pytest.raises(ChargePointNotFound):
        await monitoring.set_monitors(
            edge.SetVariableMonitoringRequest(charge_point_id="CP9", monitors=[_setting("V")])
        )
    assert station.sent == 0
