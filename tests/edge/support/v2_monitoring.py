"""A 2.x station's monitoring messages over a real socket, shared by the 2.0.1 and 2.1
session tests: NotifyMonitoringReport parts reach RecordMonitoringReport, and a NotifyEvent
names the monitor that raised it."""

from __future__ import annotations

from typing import Any

from tests.edge.support.v2_station import NOW
from tests.support.fake_services import Fakes


def monitoring_report(version: str) -> dict[str, Any]:
    """A report part of two monitors on one variable; 2.1 requires each monitor's kind."""
    kind = {"eventNotificationType": "CustomMonitor"} if version == "2.1" else {}
    return {
        "requestId": 7,
        "seqNo": 0,
        "tbc": True,
        "generatedAt": NOW,
        "monitor": [
            {
                "component": {"name": "EVSE", "instance": "Main", "evse": {"id": 1}},
                "variable": {"name": "Power"},
                "variableMonitoring": [
                    {
                        "id": 3,
                        "transaction": False,
                        "value": 11000,
                        "type": "UpperThreshold",
                        "severity": 4,
                        **kind,
                    },
                    {
                        "id": 4,
                        "transaction": True,
                        "value": 60,
                        "type": "Periodic",
                        "severity": 8,
                        **kind,
                    },
                ],
            }
        ],
    }


async def send_monitoring(cp: Any, version: str) -> None:
    assert await cp.result("NotifyMonitoringReport", monitoring_report(version)) == {}
    event = {
        "generatedAt": NOW,
        "seqNo": 0,
        "eventData": [
            {
                "eventId": 5,
                "timestamp": NOW,
                "trigger": "Alerting",
                "actualValue": "12000",
                "component": {"name": "EVSE", "evse": {"id": 1}},
                "variable": {"name": "Power"},
                "variableMonitoringId": 3,
                "eventNotificationType": "CustomMonitor",
            }
        ],
    }
    assert await cp.result("NotifyEvent", event) == {}


def check_monitoring(fakes: Fakes, version: str) -> None:
    (report,) = fakes.recorder.requests("RecordMonitoringReport")
    assert (report.request_id, report.seq_no, report.tbc) == (7, 0, True)
    first, second = report.monitors
    assert (first.id, first.component, first.component_instance, first.evse_id) == (
        3,
        "EVSE",
        "Main",
        1,
    )
    assert (first.variable, first.type, first.value, first.severity) == (
        "Power",
        "UpperThreshold",
        11000,
        4,
    )
    assert (second.id, second.type, second.transaction) == (4, "Periodic", True)
    assert first.notification_type == ("CustomMonitor" if version == "2.1" else "")
    (events,) = fakes.recorder.requests("RecordEvents")
    assert events.events[0].variable_monitoring_id == 3
    assert not events.events[0].HasField("severity")
