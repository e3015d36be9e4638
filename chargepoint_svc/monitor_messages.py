"""Translation between the monitoring messages (``csms/chargepoint/v1/monitoring.proto``,
the event filters of ``ListEventsRequest``) and domain values. The conventions are
:mod:`chargepoint_svc.messages`'."""

from __future__ import annotations

from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.monitors import Monitor, MonitoringReportPart
from chargepoint_svc.domain.station_events import EventFilter
from chargepoint_svc.use_cases.monitoring import ReportDraft
from csms.chargepoint.v1 import chargepoint_pb2, monitoring_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

_MONITOR_FIELDS = (
    "component",
    "component_instance",
    "evse_id",
    "connector_id",
    "variable",
    "variable_instance",
    "type",
    "value",
    "severity",
    "transaction",
    "notification_type",
)


def report_from_proto(
    request: monitoring_pb2.RecordMonitoringReportRequest,
) -> ReportDraft:
    def draft(cp_id: ChargePointId, now: datetime) -> MonitoringReportPart:
        monitors = tuple(
            Monitor(
                charge_point_id=cp_id,
                id=message.id,
                updated_at=now,
                report_id=request.request_id,
                **{name: getattr(message, name) for name in _MONITOR_FIELDS},
            )
            for message in request.monitors
        )
        return MonitoringReportPart(request.request_id, request.seq_no, request.tbc, monitors)

    return draft


def monitor_to_proto(monitor: Monitor) -> monitoring_pb2.Monitor:
    return monitoring_pb2.Monitor(
        id=monitor.id,
        updated_at=to_timestamp(monitor.updated_at),
        **{name: getattr(monitor, name) for name in _MONITOR_FIELDS},
    )


def event_filter_from_proto(request: chargepoint_pb2.ListEventsRequest) -> EventFilter:
    return EventFilter(
        trigger=request.trigger,
        component=request.component,
        variable=request.variable,
        max_severity=request.max_severity if request.HasField("max_severity") else None,
        cleared=request.cleared if request.HasField("cleared") else None,
        variable_monitoring_id=(
            request.variable_monitoring_id if request.HasField("variable_monitoring_id") else None
        ),
        since=from_timestamp(request.from_time),
        until=from_timestamp(request.to_time),
    )
