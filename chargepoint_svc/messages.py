"""Translation between ``csms.chargepoint.v1`` protobuf messages and domain values: charge
points and their connectors, boots and admission, what stations report (device model
variables, security and monitoring events) and the message journal.

Protobuf leaves nothing "unset" for scalars, so the conventions live here: an unset
timestamp is None (a station event without one is dated on receipt), an unspecified enum is
no value or a missing field, and a number no enum names (proto3 enums are open: JSON may
carry any number) is the caller's mistake, :class:`InvalidReport`. Device model variables
and station events have the same field names on both sides, so they go by name lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chargepoint_svc.domain.charge_point import (
    BootAnswer,
    BootData,
    ChargePoint,
    ChargePointId,
    ConnectionAdmission,
    Connector,
    ConnectorStatus,
    ConnectorStatusReport,
    DataTransferAnswer,
    RegistrationStatus,
)
from chargepoint_svc.domain.device_model import (
    DEFAULT_ATTRIBUTE_TYPE,
    DeviceModel,
    ReportedVariable,
    ReportPart,
)
from chargepoint_svc.domain.firmware import (
    FirmwareOrder,
    FirmwareRequest,
    Publication,
    SignedUpdate,
)
from chargepoint_svc.domain.journal import Direction, JournalEntry, MessageType
from chargepoint_svc.domain.registration import RegistrationChange
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from chargepoint_svc.errors import InvalidReport
from csms.chargepoint.v1 import chargepoint_pb2, firmware_pb2
from csms.edge.v1 import firmware_pb2 as edge_firmware_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

_RegistrationPb = chargepoint_pb2.ChargePoint.RegistrationStatus
_StatusPb = chargepoint_pb2.Connector.Status
_TransferStatusPb = chargepoint_pb2.RecordDataTransferResponse.Status
_DirectionPb = chargepoint_pb2.JournalEntry.Direction
_MessageTypePb = chargepoint_pb2.JournalEntry.MessageType

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


def variable_from_proto(message: chargepoint_pb2.ReportedVariable) -> ReportedVariable:
    # OCPP 2.0.1 VariableAttributeType.type defaults to Actual.
    return ReportedVariable(
        attribute_type=message.attribute_type or DEFAULT_ATTRIBUTE_TYPE,
        **{name: getattr(message, name) for name in _VARIABLE_FIELDS},
    )


def event_from_proto(
    message: chargepoint_pb2.StationEvent,
) -> Callable[[ChargePointId, datetime], StationEvent]:
    timestamp = from_timestamp(message.timestamp)
    values = {name: getattr(message, name) for name in _EVENT_FIELDS}
    # Optional fields: unset is None, not 0 (monitor 0 and severity 0 exist).
    for name in ("variable_monitoring_id", "severity"):
        values[name] = getattr(message, name) if message.HasField(name) else None

    def draft(cp_id: ChargePointId, now: datetime) -> StationEvent:
        return StationEvent(
            charge_point_id=cp_id, timestamp=timestamp or now, received_at=now, **values
        )

    return draft


def event_to_proto(event: StationEvent) -> chargepoint_pb2.StationEvent:
    return chargepoint_pb2.StationEvent(
        timestamp=to_timestamp(event.timestamp),
        variable_monitoring_id=event.variable_monitoring_id,
        severity=event.severity,
        **{name: getattr(event, name) for name in _EVENT_FIELDS},
    )


def device_model_to_proto(model: DeviceModel) -> chargepoint_pb2.DeviceModel:
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


def boot_from_proto(request: chargepoint_pb2.RecordBootRequest) -> BootData:
    return BootData(
        ocpp_version=request.ocpp_version,
        vendor=request.vendor,
        model=request.model,
        serial_number=request.serial_number,
        firmware_version=request.firmware_version,
        iccid=request.iccid,
        imsi=request.imsi,
        meter_type=request.meter_type,
        meter_serial_number=request.meter_serial_number,
    )


def boot_answer_to_proto(answer: BootAnswer) -> chargepoint_pb2.RecordBootResponse:
    return chargepoint_pb2.RecordBootResponse(
        status=_RegistrationPb.Value(answer.status.name),
        current_time=to_timestamp(answer.current_time),
        interval_seconds=answer.interval_seconds,
        request_base_report=answer.request_base_report,
    )


def admission_to_proto(admission: ConnectionAdmission) -> chargepoint_pb2.CheckAdmissionResponse:
    status = admission.registration_status
    response = chargepoint_pb2.CheckAdmissionResponse(
        admitted=admission.admitted, registered=status is not None, reason=admission.reason
    )
    if status is not None:
        response.registration_status = _RegistrationPb.Value(status.name)
    return response


def connector_status_from_proto(
    request: chargepoint_pb2.RecordConnectorStatusRequest,
) -> ConnectorStatusReport:
    if request.status == _StatusPb.STATUS_UNSPECIFIED:
        raise InvalidReport("status is required: one of " + ", ".join(ConnectorStatus))
    return ConnectorStatusReport(
        evse_id=request.evse_id,
        connector_id=request.connector_id,
        status=ConnectorStatus(_StatusPb.Name(request.status)),
        timestamp=from_timestamp(request.timestamp),
        error_code=request.error_code,
        info=request.info,
        vendor_id=request.vendor_id,
        vendor_error_code=request.vendor_error_code,
    )


def data_transfer_answer_to_proto(
    answer: DataTransferAnswer,
) -> chargepoint_pb2.RecordDataTransferResponse:
    return chargepoint_pb2.RecordDataTransferResponse(
        status=_TransferStatusPb.Value(answer.status.name), data=answer.data
    )


def report_part_from_proto(request: chargepoint_pb2.RecordReportRequest) -> ReportPart:
    return ReportPart(
        request_id=request.request_id,
        seq_no=request.seq_no,
        tbc=request.tbc,
        variables=tuple(variable_from_proto(message) for message in request.variables),
        generated_at=from_timestamp(request.generated_at),
    )


def security_event_from_proto(
    request: chargepoint_pb2.RecordSecurityEventRequest,
) -> Callable[[ChargePointId, datetime], SecurityEvent]:
    timestamp = from_timestamp(request.timestamp)

    def draft(cp_id: ChargePointId, now: datetime) -> SecurityEvent:
        # A station that sent no time is dated on receipt, as StatusNotification is.
        return SecurityEvent(cp_id, request.type, timestamp or now, now, request.tech_info)

    return draft


def security_event_to_proto(event: SecurityEvent) -> chargepoint_pb2.SecurityEvent:
    return chargepoint_pb2.SecurityEvent(
        type=event.type,
        timestamp=to_timestamp(event.timestamp),
        tech_info=event.tech_info,
    )


def journal_entry_from_proto(message: chargepoint_pb2.JournalEntry) -> JournalEntry:
    at = from_timestamp(message.at)
    if at is None:
        raise InvalidReport("a journal entry needs its time (at)")
    try:
        direction = Direction[_DirectionPb.Name(message.direction)]
        message_type = MessageType[_MessageTypePb.Name(message.message_type)]
    except (KeyError, ValueError):
        raise InvalidReport(
            f"a journal entry needs a direction (IN, OUT) and a message type, got "
            f"{message.direction}/{message.message_type}"
        ) from None
    return JournalEntry(
        charge_point_id=ChargePointId(message.charge_point_id),
        at=at,
        direction=direction,
        message_type=message_type,
        message_id=message.message_id,
        action=message.action,
        payload=message.payload,
        truncated=message.truncated,
        ocpp_version=message.ocpp_version,
    )


def journal_entry_to_proto(entry: JournalEntry) -> chargepoint_pb2.JournalEntry:
    return chargepoint_pb2.JournalEntry(
        charge_point_id=entry.charge_point_id,
        at=to_timestamp(entry.at),
        direction=_DirectionPb.Value(entry.direction.name),
        message_type=_MessageTypePb.Value(entry.message_type.name),
        message_id=entry.message_id,
        action=entry.action,
        payload=entry.payload,
        truncated=entry.truncated,
        ocpp_version=entry.ocpp_version,
    )


def charge_point_to_proto(charge_point: ChargePoint) -> chargepoint_pb2.ChargePoint:
    boot = charge_point.boot
    return chargepoint_pb2.ChargePoint(
        id=charge_point.id,
        registration_status=_RegistrationPb.Value(charge_point.registration_status.name),
        vendor=boot.vendor,
        model=boot.model,
        serial_number=boot.serial_number,
        firmware_version=boot.firmware_version,
        ocpp_version=boot.ocpp_version,
        iccid=boot.iccid,
        imsi=boot.imsi,
        meter_type=boot.meter_type,
        meter_serial_number=boot.meter_serial_number,
        last_boot_at=to_timestamp(charge_point.last_boot_at),
        last_seen_at=to_timestamp(charge_point.last_seen_at),
        firmware_status=charge_point.firmware_status,
        diagnostics_status=charge_point.diagnostics_status,
        connectors=[connector_to_proto(connector) for connector in charge_point.connectors],
        created_at=to_timestamp(charge_point.created_at),
    )


def connector_to_proto(connector: Connector) -> chargepoint_pb2.Connector:
    return chargepoint_pb2.Connector(
        evse_id=connector.evse_id,
        connector_id=connector.connector_id,
        status=_StatusPb.Value(connector.status.name),
        error_code=connector.error_code,
        info=connector.info,
        vendor_id=connector.vendor_id,
        vendor_error_code=connector.vendor_error_code,
        status_at=to_timestamp(connector.status_at),
    )


def registration_status_from_proto(
    value: chargepoint_pb2.ChargePoint.RegistrationStatus.ValueType,
    field: str = "registration_status",
) -> RegistrationStatus | None:
    """None for unspecified. Proto3 enums are open: JSON may carry any number
    (``"registrationStatus": 99``), which is the caller's mistake, not the service's."""
    if value == _RegistrationPb.REGISTRATION_STATUS_UNSPECIFIED:
        return None
    try:
        return RegistrationStatus(_RegistrationPb.Name(value))
    except ValueError:
        names = ", ".join(status.name for status in RegistrationStatus)
        raise InvalidReport(f"{field} {value} is not one of {names}") from None


def registration_change_to_proto(
    change: RegistrationChange,
) -> chargepoint_pb2.ChangeRegistrationResponse:
    return chargepoint_pb2.ChangeRegistrationResponse(
        charge_point=charge_point_to_proto(change.charge_point),
        previous_status=_RegistrationPb.Value(change.previous.name),
        boot=chargepoint_pb2.ChangeRegistrationResponse.Boot.Value(change.boot.name),
    )


def firmware_request_to_proto(history: FirmwareRequest) -> firmware_pb2.FirmwareRequestHistory:
    return firmware_pb2.FirmwareRequestHistory(
        request_id=history.request_id,
        status=history.status,
        updated_at=to_timestamp(history.updated_at),
        steps=[
            firmware_pb2.FirmwareStatusStep(
                status=step.status,
                received_at=to_timestamp(step.received_at),
                locations=list(step.locations),
            )
            for step in history.steps
        ],
        locations=list(history.locations),
        request=None if history.order is None else firmware_order_to_proto(history.order),
    )


def firmware_order_to_proto(order: FirmwareOrder) -> firmware_pb2.FirmwareRequest:
    return firmware_pb2.FirmwareRequest(
        location=order.location,
        retrieve_at=to_timestamp(order.retrieve_at),
        install_at=to_timestamp(order.install_at),
        signed=order.signed,
        checksum=order.checksum,
        requested_at=to_timestamp(order.requested_at),
        answer=order.answer,
        unpublished_at=to_timestamp(order.unpublished_at),
    )


def signed_update_from_proto(
    request: edge_firmware_pb2.UpdateSignedFirmwareRequest,
) -> SignedUpdate:
    return SignedUpdate(
        charge_point_id=ChargePointId(request.charge_point_id),
        location=request.location,
        retrieve_at=from_timestamp(request.retrieve_at),
        install_at=from_timestamp(request.install_at),
        signing_certificate=request.signing_certificate,
        signature=request.signature,
        retries=request.retries,
        retry_interval_seconds=request.retry_interval_seconds,
        request_id=request.request_id,
    )


def publication_from_proto(request: edge_firmware_pb2.PublishFirmwareRequest) -> Publication:
    return Publication(
        charge_point_id=ChargePointId(request.charge_point_id),
        location=request.location,
        checksum=request.checksum,
        retries=request.retries,
        retry_interval_seconds=request.retry_interval_seconds,
        request_id=request.request_id,
    )
