"""The gRPC face of the service: protobuf in, use cases, protobuf out.

No error handling here: domain errors propagate and :mod:`servicekit.grpc_server` maps
them to a status once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.device_model import ReportPart
from chargepoint_svc.domain import (
    BootData,
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    ConnectorStatusReport,
    RegistrationStatus,
)
from chargepoint_svc.errors import InvalidReport
from chargepoint_svc.journal import Direction, JournalEntry, MessageType
from chargepoint_svc.message_journal import MessageJournal
from chargepoint_svc.report_messages import (
    device_model_message,
    event_draft,
    event_message,
    reported_variable,
)
from chargepoint_svc.station_events import SecurityEvent
from chargepoint_svc.station_reports import StationReportUseCases
from chargepoint_svc.use_cases import ChargePointUseCases
from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from csms.common.v1 import health_pb2
from servicekit.health import database_report
from servicekit.pagination import PageRequest
from servicekit.timestamps import from_timestamp, to_timestamp

# Unused by the methods: errors are raised, not set on the context.
Context = grpc.aio.ServicerContext[Any, Any]

_RegistrationPb = chargepoint_pb2.ChargePoint.RegistrationStatus
_StatusPb = chargepoint_pb2.Connector.Status
_TransferStatusPb = chargepoint_pb2.RecordDataTransferResponse.Status
_DirectionPb = chargepoint_pb2.JournalEntry.Direction
_MessageTypePb = chargepoint_pb2.JournalEntry.MessageType


class ChargePointServicer(chargepoint_pb2_grpc.ChargePointServiceServicer):
    def __init__(
        self,
        use_cases: ChargePointUseCases,
        reports: StationReportUseCases,
        engine: AsyncEngine,
        journal: MessageJournal,
    ) -> None:
        self._use_cases = use_cases
        self._reports = reports
        self._engine = engine
        self._journal = journal

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return await database_report("chargepoint", self._engine)

    async def CreateChargePoint(
        self, request: chargepoint_pb2.CreateChargePointRequest, context: Context
    ) -> chargepoint_pb2.ChargePoint:
        status = _registration_status(request.registration_status)
        created = await self._use_cases.create_charge_point(request.id, status)
        return charge_point_message(created)

    async def GetChargePoint(
        self, request: chargepoint_pb2.GetChargePointRequest, context: Context
    ) -> chargepoint_pb2.ChargePoint:
        return charge_point_message(await self._use_cases.get_charge_point(request.id))

    async def ListChargePoints(
        self, request: chargepoint_pb2.ListChargePointsRequest, context: Context
    ) -> chargepoint_pb2.ListChargePointsResponse:
        page = await self._use_cases.list_charge_points(
            PageRequest.parse(request.page_size, request.page_token)
        )
        return chargepoint_pb2.ListChargePointsResponse(
            charge_points=[charge_point_message(found) for found in page.charge_points],
            next_page_token=page.next_page_token,
        )

    async def CheckAdmission(
        self, request: chargepoint_pb2.CheckAdmissionRequest, context: Context
    ) -> chargepoint_pb2.CheckAdmissionResponse:
        admission = await self._use_cases.check_admission(request.charge_point_id)
        status = admission.registration_status
        response = chargepoint_pb2.CheckAdmissionResponse(
            admitted=admission.admitted, registered=status is not None, reason=admission.reason
        )
        if status is not None:
            response.registration_status = _RegistrationPb.Value(status.name)
        return response

    async def RecordBoot(
        self, request: chargepoint_pb2.RecordBootRequest, context: Context
    ) -> chargepoint_pb2.RecordBootResponse:
        boot = BootData(
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
        answer = await self._use_cases.record_boot(request.charge_point_id, boot)
        return chargepoint_pb2.RecordBootResponse(
            status=_RegistrationPb.Value(answer.status.name),
            current_time=to_timestamp(answer.current_time),
            interval_seconds=answer.interval_seconds,
            request_base_report=answer.request_base_report,
        )

    async def RecordHeartbeat(
        self, request: chargepoint_pb2.RecordHeartbeatRequest, context: Context
    ) -> chargepoint_pb2.RecordHeartbeatResponse:
        now = await self._use_cases.record_heartbeat(request.charge_point_id)
        return chargepoint_pb2.RecordHeartbeatResponse(current_time=to_timestamp(now))

    async def RecordConnectorStatus(
        self, request: chargepoint_pb2.RecordConnectorStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordConnectorStatusResponse:
        if request.status == _StatusPb.STATUS_UNSPECIFIED:
            raise InvalidReport("status is required: one of " + ", ".join(ConnectorStatus))
        report = ConnectorStatusReport(
            evse_id=request.evse_id,
            connector_id=request.connector_id,
            status=ConnectorStatus(_StatusPb.Name(request.status)),
            timestamp=from_timestamp(request.timestamp),
            error_code=request.error_code,
            info=request.info,
            vendor_id=request.vendor_id,
            vendor_error_code=request.vendor_error_code,
        )
        await self._use_cases.record_connector_status(request.charge_point_id, report)
        return chargepoint_pb2.RecordConnectorStatusResponse()

    async def RecordFirmwareStatus(
        self, request: chargepoint_pb2.RecordFirmwareStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordFirmwareStatusResponse:
        await self._use_cases.record_firmware_status(request.charge_point_id, request.status)
        return chargepoint_pb2.RecordFirmwareStatusResponse()

    async def RecordDiagnosticsStatus(
        self, request: chargepoint_pb2.RecordDiagnosticsStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordDiagnosticsStatusResponse:
        await self._use_cases.record_diagnostics_status(request.charge_point_id, request.status)
        return chargepoint_pb2.RecordDiagnosticsStatusResponse()

    async def RecordDataTransfer(
        self, request: chargepoint_pb2.RecordDataTransferRequest, context: Context
    ) -> chargepoint_pb2.RecordDataTransferResponse:
        answer = await self._use_cases.record_data_transfer(
            request.charge_point_id, request.vendor_id, request.message_id, request.data
        )
        return chargepoint_pb2.RecordDataTransferResponse(
            status=_TransferStatusPb.Value(answer.status.name), data=answer.data
        )

    async def RecordReport(
        self, request: chargepoint_pb2.RecordReportRequest, context: Context
    ) -> chargepoint_pb2.RecordReportResponse:
        part = ReportPart(
            request_id=request.request_id,
            seq_no=request.seq_no,
            tbc=request.tbc,
            variables=tuple(reported_variable(message) for message in request.variables),
            generated_at=from_timestamp(request.generated_at),
        )
        admit_now = await self._reports.record_report(request.charge_point_id, part)
        return chargepoint_pb2.RecordReportResponse(admit_now=admit_now)

    async def RecordSecurityEvent(
        self, request: chargepoint_pb2.RecordSecurityEventRequest, context: Context
    ) -> chargepoint_pb2.RecordSecurityEventResponse:
        timestamp = from_timestamp(request.timestamp)

        def draft(cp_id: ChargePointId, now: datetime) -> SecurityEvent:
            # A station that sent no time is dated on receipt, as StatusNotification is.
            return SecurityEvent(cp_id, request.type, timestamp or now, now, request.tech_info)

        await self._reports.record_security_event(request.charge_point_id, draft)
        return chargepoint_pb2.RecordSecurityEventResponse()

    async def RecordEvents(
        self, request: chargepoint_pb2.RecordEventsRequest, context: Context
    ) -> chargepoint_pb2.RecordEventsResponse:
        drafts = [event_draft(message) for message in request.events]
        await self._reports.record_events(request.charge_point_id, request.seq_no, drafts)
        return chargepoint_pb2.RecordEventsResponse()

    async def GetDeviceModel(
        self, request: chargepoint_pb2.GetDeviceModelRequest, context: Context
    ) -> chargepoint_pb2.DeviceModel:
        return device_model_message(await self._reports.get_device_model(request.charge_point_id))

    async def ListSecurityEvents(
        self, request: chargepoint_pb2.ListSecurityEventsRequest, context: Context
    ) -> chargepoint_pb2.ListSecurityEventsResponse:
        page = await self._reports.list_security_events(
            request.charge_point_id, PageRequest.parse(request.page_size, request.page_token)
        )
        return chargepoint_pb2.ListSecurityEventsResponse(
            security_events=[
                chargepoint_pb2.SecurityEvent(
                    type=event.type,
                    timestamp=to_timestamp(event.timestamp),
                    tech_info=event.tech_info,
                )
                for event in page.security_events
            ],
            next_page_token=page.next_page_token,
        )

    async def ListEvents(
        self, request: chargepoint_pb2.ListEventsRequest, context: Context
    ) -> chargepoint_pb2.ListEventsResponse:
        page = await self._reports.list_events(
            request.charge_point_id, PageRequest.parse(request.page_size, request.page_token)
        )
        return chargepoint_pb2.ListEventsResponse(
            events=[event_message(event) for event in page.events],
            next_page_token=page.next_page_token,
        )

    async def RecordJournal(
        self, request: chargepoint_pb2.RecordJournalRequest, context: Context
    ) -> chargepoint_pb2.RecordJournalResponse:
        await self._journal.record([journal_entry(message) for message in request.entries])
        return chargepoint_pb2.RecordJournalResponse()

    async def ListMessages(
        self, request: chargepoint_pb2.ListMessagesRequest, context: Context
    ) -> chargepoint_pb2.ListMessagesResponse:
        page = await self._journal.list_messages(
            request.charge_point_id,
            PageRequest.parse(request.page_size, request.page_token),
            since=from_timestamp(request.from_time),
            until=from_timestamp(request.to_time),
            actions=list(request.actions),
        )
        return chargepoint_pb2.ListMessagesResponse(
            messages=[journal_entry_message(entry) for entry in page.messages],
            next_page_token=page.next_page_token,
        )


def journal_entry(message: chargepoint_pb2.JournalEntry) -> JournalEntry:
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


def journal_entry_message(entry: JournalEntry) -> chargepoint_pb2.JournalEntry:
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


def charge_point_message(charge_point: ChargePoint) -> chargepoint_pb2.ChargePoint:
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
        connectors=[connector_message(connector) for connector in charge_point.connectors],
        created_at=to_timestamp(charge_point.created_at),
    )


def connector_message(connector: Connector) -> chargepoint_pb2.Connector:
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


def _registration_status(
    value: chargepoint_pb2.ChargePoint.RegistrationStatus.ValueType,
) -> RegistrationStatus | None:
    """None for unspecified. Proto3 enums are open: JSON may carry any number
    (``"registrationStatus": 99``), which is the caller's mistake, not the service's."""
    if value == _RegistrationPb.REGISTRATION_STATUS_UNSPECIFIED:
        return None
    try:
        return RegistrationStatus(_RegistrationPb.Name(value))
    except ValueError:
        names = ", ".join(status.name for status in RegistrationStatus)
        raise InvalidReport(f"registration_status {value} is not one of {names}") from None
