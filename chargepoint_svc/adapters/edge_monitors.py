"""The :class:`~chargepoint_svc.ports.MonitorStations` port over the edge's EdgeService.

The call, its deadline and the edge's errors passed on with their status are
:mod:`servicekit.station_calls`'; here is what is chargepoint_svc's: which monitors an
answer tells the store the station now has, or no longer has.
"""

from __future__ import annotations

import logging
from datetime import datetime

import grpc

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.monitors import CUSTOM_MONITOR, Monitor
from csms.edge.v1 import monitoring_pb2
from servicekit.station_calls import StationCalls

LOG = logging.getLogger(__name__)

SetResult = monitoring_pb2.MonitorSettingResult
ClearResult = monitoring_pb2.ClearMonitorResult

# MonitorEnumType as the store keeps it (OCPP's words, as a report says them).
MONITOR_TYPE_WORDS = {
    monitoring_pb2.UPPER_THRESHOLD: "UpperThreshold",
    monitoring_pb2.LOWER_THRESHOLD: "LowerThreshold",
    monitoring_pb2.DELTA: "Delta",
    monitoring_pb2.PERIODIC: "Periodic",
    monitoring_pb2.PERIODIC_CLOCK_ALIGNED: "PeriodicClockAligned",
    monitoring_pb2.TARGET_DELTA: "TargetDelta",
    monitoring_pb2.TARGET_DELTA_RELATIVE: "TargetDeltaRelative",
}


def accepted_monitors(
    request: monitoring_pb2.SetVariableMonitoringRequest,
    answer: monitoring_pb2.SetVariableMonitoringResponse,
    now: datetime,
) -> list[Monitor]:
    """The monitors the station accepted, each with the id it gave. A result answers the
    setting at its position (OCPP 2.0.1 N04: one setMonitoringResult per
    setMonitoringData); the setting gives what the result does not repeat (value,
    transaction). An answer with another number of results pairs nothing: the operator
    sees it, and a monitoring report tells the truth."""
    if len(answer.results) != len(request.monitors):
        LOG.warning(
            "charge point %s answered %d results to %d monitors; none kept",
            request.charge_point_id,
            len(answer.results),
            len(request.monitors),
        )
        return []
    kept = []
    for setting, result in zip(request.monitors, answer.results, strict=True):
        if result.status != SetResult.ACCEPTED or not result.HasField("id"):
            continue
        target = setting.variable
        kept.append(
            Monitor(
                charge_point_id=ChargePointId(request.charge_point_id),
                id=result.id,
                component=target.component,
                component_instance=target.component_instance,
                evse_id=target.evse_id,
                connector_id=target.connector_id,
                variable=target.variable,
                variable_instance=target.variable_instance,
                type=MONITOR_TYPE_WORDS[setting.type],
                value=setting.value,
                severity=setting.severity,
                transaction=setting.transaction,
                notification_type=CUSTOM_MONITOR,
                updated_at=now,
            )
        )
    return kept


def gone_ids(answer: monitoring_pb2.ClearVariableMonitoringResponse) -> list[int]:
    """Ids the station cleared (Accepted) or does not have (NotFound): neither is on the
    station now (OCPP 2.0.1 N06)."""
    return [
        result.id
        for result in answer.results
        if result.status in (ClearResult.ACCEPTED, ClearResult.NOT_FOUND)
    ]


class EdgeMonitors:
    """Sends SetVariableMonitoring and ClearVariableMonitoring through EdgeService with a
    deadline. The channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def set_monitors(
        self, request: monitoring_pb2.SetVariableMonitoringRequest, now: datetime
    ) -> tuple[monitoring_pb2.SetVariableMonitoringResponse, list[Monitor]]:
        answer = await self._calls.call(self._calls.edge.SetVariableMonitoring, request)
        return answer, accepted_monitors(request, answer, now)

    async def clear_monitors(
        self, request: monitoring_pb2.ClearVariableMonitoringRequest
    ) -> tuple[monitoring_pb2.ClearVariableMonitoringResponse, list[int]]:
        answer = await self._calls.call(self._calls.edge.ClearVariableMonitoring, request)
        return answer, gone_ids(answer)
