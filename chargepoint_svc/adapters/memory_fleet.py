"""The fleet summary of the in-memory twin: the counts the SQL adapter's aggregate
queries make, computed over every charge point (the twin holds few)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from chargepoint_svc.domain.charge_point import ChargePoint, ConnectorStatus, RegistrationStatus
from chargepoint_svc.domain.fleet import OCPP_VERSIONS, FleetSummary, top_values, worst_status


def fleet_summary(charge_points: Sequence[ChargePoint]) -> FleetSummary:
    """``charge_points`` with their connectors."""
    registration = Counter(cp.registration_status for cp in charge_points)
    versions = Counter(cp.boot.ocpp_version for cp in charge_points)
    worst = Counter(worst_status(cp) for cp in charge_points)
    connectors = [connector for cp in charge_points for connector in cp.connectors]
    by_status = Counter(connector.status for connector in connectors)
    return FleetSummary(
        total_stations=len(charge_points),
        stations_by_registration_status={s: registration[s] for s in RegistrationStatus},
        stations_by_ocpp_version={version: versions[version] for version in OCPP_VERSIONS},
        stations_never_booted=versions[""],
        stations_by_worst_status={
            **{status: worst[status] for status in ConnectorStatus},
            None: worst[None],
        },
        connectors_by_status={status: by_status[status] for status in ConnectorStatus},
        last_status_change_at=max((c.status_at for c in connectors), default=None),
        vendors=top_values(Counter(cp.boot.vendor for cp in charge_points)),
        models=top_values(Counter(cp.boot.model for cp in charge_points)),
    )
