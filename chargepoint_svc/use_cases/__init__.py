"""The charge point service's operations, one module per group, over ports only: on charge
points (admission, boot, heartbeat, connector status...), on what stations report (device
model, security and monitoring events) and on the message journal."""

from chargepoint_svc.use_cases.charge_points import ChargePointPage, ChargePointUseCases
from chargepoint_svc.use_cases.message_journal import JournalPage, MessageJournal
from chargepoint_svc.use_cases.monitoring import MonitoringUseCases, MonitorPage
from chargepoint_svc.use_cases.station_reports import (
    SecurityEventPage,
    StationEventPage,
    StationReportUseCases,
)

__all__ = [
    "ChargePointPage",
    "ChargePointUseCases",
    "JournalPage",
    "MessageJournal",
    "MonitorPage",
    "MonitoringUseCases",
    "SecurityEventPage",
    "StationEventPage",
    "StationReportUseCases",
]
