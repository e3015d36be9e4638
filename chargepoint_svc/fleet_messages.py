"""Translation between the fleet messages (issue 14: the filters of
``ListChargePointsRequest``, ``csms/chargepoint/v1/fleet.proto``) and domain values. The
conventions are :mod:`chargepoint_svc.messages`'."""

from __future__ import annotations

from chargepoint_svc.domain.charge_point import ConnectorStatus
from chargepoint_svc.domain.fleet import ChargePointFilter, FleetSummary
from chargepoint_svc.errors import InvalidFilter
from chargepoint_svc.messages import registration_status_from_proto
from csms.chargepoint.v1 import chargepoint_pb2, fleet_pb2
from servicekit.timestamps import to_timestamp

_StatusPb = chargepoint_pb2.Connector.Status
# How a summary names the stations that reported no connector status: as the API prints
# an unset Connector.Status.
NO_STATUS = _StatusPb.Name(_StatusPb.STATUS_UNSPECIFIED)


def filter_from_proto(request: chargepoint_pb2.ListChargePointsRequest) -> ChargePointFilter:
    return ChargePointFilter(
        query=request.query.strip(),
        vendor=request.vendor.strip(),
        model=request.model.strip(),
        ocpp_version=request.ocpp_version.strip(),
        registration_status=registration_status_from_proto(request.registration_status),
        connector_status=_connector_status(request.connector_status),
        firmware_version=request.firmware_version.strip(),
    )


def _connector_status(value: chargepoint_pb2.Connector.Status.ValueType) -> ConnectorStatus | None:
    """None for unspecified; a number no status has (JSON may carry one) is the caller's
    mistake."""
    if value == _StatusPb.STATUS_UNSPECIFIED:
        return None
    try:
        return ConnectorStatus(_StatusPb.Name(value))
    except ValueError:
        names = ", ".join(ConnectorStatus)
        raise InvalidFilter(f"connector_status {value} is not one of {names}") from None


def summary_to_proto(summary: FleetSummary) -> fleet_pb2.FleetSummary:
    return fleet_pb2.FleetSummary(
        total_stations=summary.total_stations,
        stations_by_registration_status={
            str(status): count for status, count in summary.stations_by_registration_status.items()
        },
        stations_by_ocpp_version=summary.stations_by_ocpp_version,
        stations_never_booted=summary.stations_never_booted,
        stations_by_worst_status={
            NO_STATUS if status is None else str(status): count
            for status, count in summary.stations_by_worst_status.items()
        },
        connectors_by_status={
            str(status): count for status, count in summary.connectors_by_status.items()
        },
        last_status_change_at=to_timestamp(summary.last_status_change_at),
        vendors=[fleet_pb2.ValueCount(value=v, count=n) for v, n in summary.vendors],
        models=[fleet_pb2.ValueCount(value=v, count=n) for v, n in summary.models],
    )
