"""Events stations tell the CSMS about: security events (OCPP 2.0.1 A04
SecurityEventNotification; 1.6 security extension) and monitoring events (2.0.1 N07
NotifyEvent). They are kept as received, for operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.errors import InvalidReport

# The widest values OCPP 2.0.1/2.1 allow (SecurityEventNotificationRequest, EventDataType).
EVENT_MAX_LENGTH: dict[str, int] = {
    "type": 50,
    "tech_info": 500,  # 255 in a security event, 500 in EventDataType
    "trigger": 16,
    "actual_value": 2500,
    "tech_code": 50,
    "transaction_id": 36,
    "component": 50,
    "variable": 50,
    "notification_type": 32,
}


def _check_lengths(what: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        limit = EVENT_MAX_LENGTH[name]
        if len(value) > limit:
            raise InvalidReport(
                f"{name} of the {what} is {len(value)} characters long; OCPP allows at most {limit}"
            )


@dataclass(frozen=True)
class SecurityEvent:
    """``sequence`` is given by storage, in order of arrival; 0 before it is stored."""

    charge_point_id: ChargePointId
    type: str
    timestamp: datetime
    received_at: datetime
    tech_info: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        if not self.type:
            raise InvalidReport(
                "type is required in a security event, e.g. 'FirmwareUpdated' (OCPP 2.0.1 A04)"
            )
        _check_lengths("security event", {"type": self.type, "tech_info": self.tech_info})


@dataclass(frozen=True)
class StationEvent:
    """One EventDataType of a NotifyEvent; ``cause`` and ``evse_id`` are 0 when absent."""

    charge_point_id: ChargePointId
    event_id: int
    timestamp: datetime
    trigger: str
    component: str
    variable: str
    received_at: datetime
    cause: int = 0
    actual_value: str = ""
    tech_code: str = ""
    tech_info: str = ""
    cleared: bool = False
    transaction_id: str = ""
    evse_id: int = 0
    notification_type: str = ""
    sequence: int = 0
    # The station's id of the monitor that raised it (EventDataType.variableMonitoringId).
    variable_monitoring_id: int | None = None
    # As a 2.1 station sends it (EventDataType.severity), else the severity of the monitor
    # when the CSMS knew it on receipt; None when neither says.
    severity: int | None = None

    def __post_init__(self) -> None:
        if self.severity is not None and not 0 <= self.severity <= 9:
            raise InvalidReport(
                f"severity of event {self.event_id} must be 0 to 9, got {self.severity}"
            )
        if self.variable_monitoring_id is not None and self.variable_monitoring_id < 0:
            raise InvalidReport(
                f"variable_monitoring_id of event {self.event_id} must be 0 or more"
            )
        if self.event_id < 0:
            raise InvalidReport(f"event_id must be 0 or more, got {self.event_id}")
        if self.evse_id < 0 or self.cause < 0:
            raise InvalidReport(
                f"evse_id and cause must be 0 or more in event {self.event_id}, "
                f"got {self.evse_id}/{self.cause}"
            )
        for name in ("trigger", "component", "variable"):
            if not getattr(self, name):
                raise InvalidReport(
                    f"{name} is required in event {self.event_id} (OCPP 2.0.1 EventDataType)"
                )
        _check_lengths(
            f"event {self.event_id}",
            {name: getattr(self, name) for name in EVENT_MAX_LENGTH if name != "type"},
        )


@dataclass(frozen=True)
class EventFilter:
    """What an operator asks of a station's events (OCPP 2.0.1 N07-N08); every field
    unset or empty matches every event. Times are the station's timestamps:
    ``since`` inclusive, ``until`` exclusive."""

    trigger: str = ""
    component: str = ""
    variable: str = ""
    max_severity: int | None = None
    cleared: bool | None = None
    variable_monitoring_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        if self.max_severity is not None and not 0 <= self.max_severity <= 9:
            raise InvalidReport(f"max_severity must be 0 to 9, got {self.max_severity}")
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise InvalidReport("to_time must be after from_time")

    def matches(self, event: StationEvent) -> bool:
        return (
            (not self.trigger or event.trigger == self.trigger)
            and (not self.component or event.component == self.component)
            and (not self.variable or event.variable == self.variable)
            and (
                self.max_severity is None
                or (event.severity is not None and event.severity <= self.max_severity)
            )
            and (self.cleared is None or event.cleared == self.cleared)
            and (
                self.variable_monitoring_id is None
                or event.variable_monitoring_id == self.variable_monitoring_id
            )
            and (self.since is None or event.timestamp >= self.since)
            and (self.until is None or event.timestamp < self.until)
        )
