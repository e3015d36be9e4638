"""Protobuf <-> domain for what stations report: device model variables and events.

Field names match on both sides, so the translations go by name lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chargepoint_svc.device_model import DEFAULT_ATTRIBUTE_TYPE, DeviceModel, ReportedVariable
from chargepoint_svc.domain import ChargePointId
from chargepoint_svc.station_events import StationEvent
from csms.chargepoint.v1 import chargepoint_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

_VARIABLE_FIELDS = (
    "component",
    "component_instance",
    "evse_id",
    "connector_id",
    "variable",
    "variable_instance",
    "value",
    "mutability",
    "data_type",
    "unit",
    "values_list",
)
_EVENT_FIELDS = (
    "event_id",
    "trigger",
    "cause",
    "actual_value",
    "tech_code",
    "tech_info",
    "cleared",
    "transaction_id",
    "component",
    "evse_id",
    "variable",
    "notification_type",
)


def reported_variable(message: chargepoint_pb2.ReportedVariable) -> ReportedVariable:
    # OCPP 2.0.1 VariableAttributeType.type defaults to Actual.
    return ReportedVariable(
        attribute_type=message.attribute_type or DEFAULT_ATTRIBUTE_TYPE,
        **{name: getattr(message, name) for name in _VARIABLE_FIELDS},
    )


def event_draft(
    message: chargepoint_pb2.StationEvent,
) -> Callable[[ChargePointId, datetime], StationEvent]:
    timestamp = from_timestamp(message.timestamp)
    values = {name: getattr(message, name) for name in _EVENT_FIELDS}

    def draft(cp_id: ChargePointId, now: datetime) -> StationEvent:
        return StationEvent(
            charge_point_id=cp_id, timestamp=timestamp or now, received_at=now, **values
        )

    return draft


def event_message(event: StationEvent) -> chargepoint_pb2.StationEvent:
    return chargepoint_pb2.StationEvent(
        timestamp=to_timestamp(event.timestamp),
        **{name: getattr(event, name) for name in _EVENT_FIELDS},
    )


def device_model_message(model: DeviceModel) -> chargepoint_pb2.DeviceModel:
    return chargepoint_pb2.DeviceModel(
        charge_point_id=model.charge_point_id,
        reported_at=to_timestamp(model.reported_at),
        variables=[
            chargepoint_pb2.ReportedVariable(
                attribute_type=variable.attribute_type,
                **{name: getattr(variable, name) for name in _VARIABLE_FIELDS},
            )
            for variable in model.variables
        ],
    )
