"""The monitors a station keeps on its component variables (OCPP 2.0.1 Part 2 N02-N06),
as the CSMS last learnt of them.

A station gives each monitor an id, unique within the station (SetMonitoringResultType.id,
VariableMonitoringType.id); that id is the monitor's identity here. What the CSMS knows
comes from two sources: a monitoring report (NotifyMonitoringReport, N02), which is the
station's whole list once its last part (``tbc`` false) has arrived, and the monitors the
station accepted (SetVariableMonitoring, N04) or cleared (ClearVariableMonitoring, N06)
since. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.errors import InvalidReport

# The widest value of each text field OCPP 2.0.1/2.1 allows; the columns are this wide.
MONITOR_MAX_LENGTH: dict[str, int] = {
    "component": 50,
    "component_instance": 50,
    "variable": 50,
    "variable_instance": 50,
    "type": 32,
    "notification_type": 32,
}

# Severity 0 (Danger) to 9 (Debug): OCPP 2.0.1 VariableMonitoringType.severity.
SEVERITIES = range(10)

# EventNotificationEnumType of a monitor an operator set: the CSMS knows it is custom even
# where 2.0.1's report does not say (only 2.1's VariableMonitoringType carries it).
CUSTOM_MONITOR = "CustomMonitor"


@dataclass(frozen=True)
class Monitor:
    """One monitor of ``charge_point_id``. ``report_id`` is the requestId of the
    monitoring report it came in, None when the CSMS set it."""

    charge_point_id: ChargePointId
    id: int
    component: str
    variable: str
    type: str
    value: float
    severity: int
    updated_at: datetime
    component_instance: str = ""
    evse_id: int = 0
    connector_id: int = 0
    variable_instance: str = ""
    transaction: bool = False
    notification_type: str = ""
    report_id: int | None = None

    def __post_init__(self) -> None:
        where = f"monitor {self.id}"
        if self.id < 0:
            raise InvalidReport(f"a monitor id is 0 or more, got {self.id}")
        if not self.component or not self.variable:
            raise InvalidReport(f"{where} needs a component and a variable")
        if not self.type:
            raise InvalidReport(f"{where} needs a type, e.g. 'UpperThreshold'")
        if self.severity not in SEVERITIES:
            raise InvalidReport(f"severity of {where} must be 0 to 9, got {self.severity}")
        if not math.isfinite(self.value):
            raise InvalidReport(f"value of {where} must be a finite number")
        if self.evse_id < 0 or self.connector_id < 0:
            raise InvalidReport(f"evse_id and connector_id of {where} must be 0 or more")
        for name, limit in MONITOR_MAX_LENGTH.items():
            size = len(getattr(self, name))
            if size > limit:
                raise InvalidReport(
                    f"{name} of {where} is {size} characters long; OCPP allows at most {limit}"
                )


@dataclass(frozen=True)
class MonitoringReportPart:
    """One NotifyMonitoringReport: part ``seq_no`` of report ``request_id``."""

    request_id: int
    seq_no: int
    tbc: bool
    monitors: tuple[Monitor, ...] = ()

    def __post_init__(self) -> None:
        if self.seq_no < 0:
            raise InvalidReport(
                f"seq_no must be 0 or more (the first part is 0), got {self.seq_no}"
            )
        if any(monitor.report_id != self.request_id for monitor in self.monitors):
            raise InvalidReport("every monitor of a report part belongs to its request_id")

    @property
    def completes(self) -> bool:
        """The last part has ``tbc`` false (NotifyMonitoringReportRequest.tbc). With it the
        report is the station's whole list: monitors of earlier reports that it does not
        repeat are gone from the station (N02: the report lists every monitor matching the
        request)."""
        return not self.tbc

    def distinct_monitors(self) -> tuple[Monitor, ...]:
        """One monitor per id: a later one in the part wins over an earlier."""
        return tuple({monitor.id: monitor for monitor in self.monitors}.values())


@dataclass(frozen=True)
class MonitorQuery:
    """A page of a station's monitors, by id: those above ``after_id`` (all when None)."""

    charge_point_id: ChargePointId
    limit: int
    component: str = ""
    variable: str = ""
    after_id: int | None = None

    def matches(self, monitor: Monitor) -> bool:
        return (
            monitor.charge_point_id == self.charge_point_id
            and (not self.component or monitor.component == self.component)
            and (not self.variable or monitor.variable == self.variable)
            and (self.after_id is None or monitor.id > self.after_id)
        )
