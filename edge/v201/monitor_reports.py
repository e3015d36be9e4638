"""OCPP 2.x NotifyMonitoringReport (2.0.1 N02) to the version-neutral
``RecordMonitoringReportRequest``: a part of the station's monitors. Pure, shared by 2.0.1
and 2.1 as :mod:`edge.v201.translate` is (which re-exports it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csms.chargepoint.v1 import monitoring_pb2
from edge.v201.values import parse_timestamp

Payload = Mapping[str, Any]


def monitoring_report_request(
    charge_point_id: str, payload: Payload
) -> monitoring_pb2.RecordMonitoringReportRequest:
    """One NotifyMonitoringReport part; each variableMonitoring is one Monitor. 2.0.1 does
    not say a monitor's kind (2.1's eventNotificationType): empty then."""
    return monitoring_pb2.RecordMonitoringReportRequest(
        charge_point_id=charge_point_id,
        request_id=payload["request_id"],
        seq_no=payload["seq_no"],
        tbc=payload.get("tbc", False),
        generated_at=parse_timestamp(payload["generated_at"], "generatedAt"),
        monitors=[monitor for item in payload.get("monitor", []) for monitor in _monitors(item)],
    )


def _monitors(item: Payload) -> list[monitoring_pb2.Monitor]:
    component = item["component"]
    evse = component.get("evse") or {}
    variable = item["variable"]
    return [
        monitoring_pb2.Monitor(
            id=monitor["id"],
            component=component["name"],
            component_instance=component.get("instance", ""),
            evse_id=evse.get("id", 0),
            connector_id=evse.get("connector_id", 0),
            variable=variable["name"],
            variable_instance=variable.get("instance", ""),
            type=monitor["type"],
            value=monitor["value"],
            severity=monitor["severity"],
            transaction=monitor["transaction"],
            notification_type=monitor.get("event_notification_type", ""),
        )
        for monitor in item["variable_monitoring"]
    ]
