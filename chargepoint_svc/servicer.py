"""The gRPC face of the service: protobuf in, use cases, protobuf out, with the translation
itself in :mod:`chargepoint_svc.messages`.

No error handling here: domain errors propagate and :mod:`servicekit.grpc_server` maps
them to a status once.
"""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from chargepoint_svc.domain.firmware import FirmwareKind
from chargepoint_svc.fleet_messages import filter_from_proto, summary_to_proto
from chargepoint_svc.messages import (
    admission_to_proto,
    boot_answer_to_proto,
    boot_from_proto,
    charge_point_to_proto,
    connector_status_from_proto,
    data_transfer_answer_to_proto,
    device_model_to_proto,
    event_from_proto,
    event_to_proto,
    firmware_request_to_proto,
    journal_entry_from_proto,
    journal_entry_to_proto,
    publication_from_proto,
    registration_change_to_proto,
    registration_status_from_proto,
    report_part_from_proto,
    security_event_from_proto,
    security_event_to_proto,
    signed_update_from_proto,
    variable_from_proto,
)
from chargepoint_svc.monitor_messages import (
    event_filter_from_proto,
    monitor_to_proto,
    report_from_proto,
)
from chargepoint_svc.request_servicer import StationRequestRpcs
from chargepoint_svc.smart_charging_servicer import SmartChargingRpcs
from chargepoint_svc.use_cases import (
    ChargePointUseCases,
    MessageJournal,
    MonitoringUseCases,
    StationReportUseCases,
)
from chargepoint_svc.use_cases.display_messages import DisplayMessageUseCases
from chargepoint_svc.use_cases.firmware import FirmwareUseCases
from chargepoint_svc.use_cases.profile_library import ProfileLibrary
from chargepoint_svc.use_cases.registration import RegistrationUseCases
from chargepoint_svc.use_cases.smart_charging import SmartChargingUseCases
from chargepoint_svc.use_cases.station_requests import StationRequestUseCases
from csms.chargepoint.v1 import (
    chargepoint_pb2,
    chargepoint_pb2_grpc,
    firmware_pb2,
    fleet_pb2,
    monitoring_pb2,
)
from csms.common.v1 import health_pb2
from csms.edge.v1 import firmware_pb2 as edge_firmware_pb2
from csms.edge.v1 import monitoring_pb2 as edge_monitoring_pb2
from servicekit.health import database_report
from servicekit.pagination import PageRequest
from servicekit.timestamps import from_timestamp, to_timestamp

# Unused by the methods: errors are raised, not set on the context.
Context = grpc.aio.ServicerContext[Any, Any]


class ChargePointServicer(
    StationRequestRpcs, SmartChargingRpcs, chargepoint_pb2_grpc.ChargePointServiceServicer
):
    def __init__(
        self,
        use_cases: ChargePointUseCases,
        reports: StationReportUseCases,
        engine: AsyncEngine,
        journal: MessageJournal,
        *,
        monitoring: MonitoringUseCases,
        registration: RegistrationUseCases,
        requests: StationRequestUseCases,
        display: DisplayMessageUseCases,
        smart_charging: SmartChargingUseCases,
        library: ProfileLibrary,
        firmware: FirmwareUseCases,
    ) -> None:
        self._registration = registration
        self._use_cases = use_cases
        self._reports = reports
        self._engine = engine
        self._journal = journal
        self._monitoring = monitoring
        self.requests = requests
        self.display = display
        self._charging = smart_charging
        self._library = library
        self._firmware = firmware

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return await database_report("chargepoint", self._engine)

    async def CreateChargePoint(
        self, request: chargepoint_pb2.CreateChargePointRequest, context: Context
    ) -> chargepoint_pb2.ChargePoint:
        status = registration_status_from_proto(request.registration_status)
        created = await self._use_cases.create_charge_point(request.id, status)
        return charge_point_to_proto(created)

    async def GetChargePoint(
        self, request: chargepoint_pb2.GetChargePointRequest, context: Context
    ) -> chargepoint_pb2.ChargePoint:
        return charge_point_to_proto(await self._use_cases.get_charge_point(request.id))

    async def ListChargePoints(
        self, request: chargepoint_pb2.ListChargePointsRequest, context: Context
    ) -> chargepoint_pb2.ListChargePointsResponse:
        where = filter_from_proto(request)
        page = await self._use_cases.list_charge_points(
            PageRequest.parse(request.page_size, request.page_token, where.scope), where
        )
        return chargepoint_pb2.ListChargePointsResponse(
            charge_points=[charge_point_to_proto(found) for found in page.charge_points],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )

    async def CheckAdmission(
        self, request: chargepoint_pb2.CheckAdmissionRequest, context: Context
    ) -> chargepoint_pb2.CheckAdmissionResponse:
        admission = await self._use_cases.check_admission(request.charge_point_id)
        return admission_to_proto(admission)

    async def RecordBoot(
        self, request: chargepoint_pb2.RecordBootRequest, context: Context
    ) -> chargepoint_pb2.RecordBootResponse:
        answer = await self._use_cases.record_boot(
            request.charge_point_id, boot_from_proto(request)
        )
        return boot_answer_to_proto(answer)

    async def RecordHeartbeat(
        self, request: chargepoint_pb2.RecordHeartbeatRequest, context: Context
    ) -> chargepoint_pb2.RecordHeartbeatResponse:
        now = await self._use_cases.record_heartbeat(request.charge_point_id)
        return chargepoint_pb2.RecordHeartbeatResponse(current_time=to_timestamp(now))

    async def RecordConnectorStatus(
        self, request: chargepoint_pb2.RecordConnectorStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordConnectorStatusResponse:
        report = connector_status_from_proto(request)
        await self._use_cases.record_connector_status(request.charge_point_id, report)
        return chargepoint_pb2.RecordConnectorStatusResponse()

    async def RecordFirmwareStatus(
        self, request: chargepoint_pb2.RecordFirmwareStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordFirmwareStatusResponse:
        await self._use_cases.record_firmware_status(
            request.charge_point_id, request.status, request.request_id
        )
        return chargepoint_pb2.RecordFirmwareStatusResponse()

    async def RecordDiagnosticsStatus(
        self, request: chargepoint_pb2.RecordDiagnosticsStatusRequest, context: Context
    ) -> chargepoint_pb2.RecordDiagnosticsStatusResponse:
        await self._use_cases.record_diagnostics_status(request.charge_point_id, request.status)
        await self.requests.record_log_status(
            request.charge_point_id, request.request_id, request.status
        )
        return chargepoint_pb2.RecordDiagnosticsStatusResponse()

    async def RecordDataTransfer(
        self, request: chargepoint_pb2.RecordDataTransferRequest, context: Context
    ) -> chargepoint_pb2.RecordDataTransferResponse:
        answer = await self._use_cases.record_data_transfer(
            request.charge_point_id, request.vendor_id, request.message_id, request.data
        )
        return data_transfer_answer_to_proto(answer)

    async def RecordReport(
        self, request: chargepoint_pb2.RecordReportRequest, context: Context
    ) -> chargepoint_pb2.RecordReportResponse:
        part = report_part_from_proto(request)
        admit_now = await self._reports.record_report(request.charge_point_id, part)
        return chargepoint_pb2.RecordReportResponse(admit_now=admit_now)

    async def RecordVariableResults(
        self, request: chargepoint_pb2.RecordVariableResultsRequest, context: Context
    ) -> chargepoint_pb2.RecordVariableResultsResponse:
        answered = [variable_from_proto(message) for message in request.variables]
        await self._reports.record_variable_results(request.charge_point_id, answered)
        return chargepoint_pb2.RecordVariableResultsResponse()

    async def RecordSecurityEvent(
        self, request: chargepoint_pb2.RecordSecurityEventRequest, context: Context
    ) -> chargepoint_pb2.RecordSecurityEventResponse:
        draft = security_event_from_proto(request)
        await self._reports.record_security_event(request.charge_point_id, draft)
        return chargepoint_pb2.RecordSecurityEventResponse()

    async def RecordEvents(
        self, request: chargepoint_pb2.RecordEventsRequest, context: Context
    ) -> chargepoint_pb2.RecordEventsResponse:
        drafts = [event_from_proto(message) for message in request.events]
        await self._reports.record_events(request.charge_point_id, request.seq_no, drafts)
        return chargepoint_pb2.RecordEventsResponse()

    async def GetDeviceModel(
        self, request: chargepoint_pb2.GetDeviceModelRequest, context: Context
    ) -> chargepoint_pb2.DeviceModel:
        return device_model_to_proto(await self._reports.get_device_model(request.charge_point_id))

    async def ListSecurityEvents(
        self, request: chargepoint_pb2.ListSecurityEventsRequest, context: Context
    ) -> chargepoint_pb2.ListSecurityEventsResponse:
        page = await self._reports.list_security_events(
            request.charge_point_id, PageRequest.parse(request.page_size, request.page_token)
        )
        return chargepoint_pb2.ListSecurityEventsResponse(
            security_events=[security_event_to_proto(event) for event in page.security_events],
            next_page_token=page.next_page_token,
        )

    async def ListEvents(
        self, request: chargepoint_pb2.ListEventsRequest, context: Context
    ) -> chargepoint_pb2.ListEventsResponse:
        page = await self._reports.list_events(
            request.charge_point_id,
            PageRequest.parse(request.page_size, request.page_token),
            event_filter_from_proto(request),
        )
        return chargepoint_pb2.ListEventsResponse(
            events=[event_to_proto(event) for event in page.events],
            next_page_token=page.next_page_token,
        )

    async def RecordJournal(
        self, request: chargepoint_pb2.RecordJournalRequest, context: Context
    ) -> chargepoint_pb2.RecordJournalResponse:
        await self._journal.record(
            [journal_entry_from_proto(message) for message in request.entries]
        )
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
            messages=[journal_entry_to_proto(entry) for entry in page.messages],
            next_page_token=page.next_page_token,
        )

    # Issue 13: monitoring.

    async def RecordMonitoringReport(
        self, request: monitoring_pb2.RecordMonitoringReportRequest, context: Context
    ) -> monitoring_pb2.RecordMonitoringReportResponse:
        await self._monitoring.record_report(request.charge_point_id, report_from_proto(request))
        return monitoring_pb2.RecordMonitoringReportResponse()

    async def ListMonitors(
        self, request: monitoring_pb2.ListMonitorsRequest, context: Context
    ) -> monitoring_pb2.ListMonitorsResponse:
        page = await self._monitoring.list_monitors(
            request.charge_point_id,
            request.component,
            request.variable,
            PageRequest.parse(request.page_size, request.page_token),
        )
        return monitoring_pb2.ListMonitorsResponse(
            monitors=[monitor_to_proto(monitor) for monitor in page.monitors],
            next_page_token=page.next_page_token,
        )

    async def SetVariableMonitoring(
        self, request: edge_monitoring_pb2.SetVariableMonitoringRequest, context: Context
    ) -> edge_monitoring_pb2.SetVariableMonitoringResponse:
        return await self._monitoring.set_monitors(request)

    async def ClearVariableMonitoring(
        self, request: edge_monitoring_pb2.ClearVariableMonitoringRequest, context: Context
    ) -> edge_monitoring_pb2.ClearVariableMonitoringResponse:
        return await self._monitoring.clear_monitors(request)

    async def ChangeRegistration(
        self, request: chargepoint_pb2.ChangeRegistrationRequest, context: Context
    ) -> chargepoint_pb2.ChangeRegistrationResponse:
        change = await self._registration.change_registration(
            request.charge_point_id, registration_status_from_proto(request.status, "status")
        )
        return registration_change_to_proto(change)

    # Issue 13: firmware.

    async def UpdateSignedFirmware(
        self, request: edge_firmware_pb2.UpdateSignedFirmwareRequest, context: Context
    ) -> edge_firmware_pb2.UpdateSignedFirmwareResponse:
        order = await self._firmware.update_signed(signed_update_from_proto(request))
        return edge_firmware_pb2.UpdateSignedFirmwareResponse(
            status=order.answer, request_id=order.request_id
        )

    async def PublishFirmware(
        self, request: edge_firmware_pb2.PublishFirmwareRequest, context: Context
    ) -> edge_firmware_pb2.PublishFirmwareResponse:
        order = await self._firmware.publish(publication_from_proto(request))
        return edge_firmware_pb2.PublishFirmwareResponse(
            status=order.answer, request_id=order.request_id
        )

    async def UnpublishFirmware(
        self, request: edge_firmware_pb2.UnpublishFirmwareRequest, context: Context
    ) -> edge_firmware_pb2.UnpublishFirmwareResponse:
        answer = await self._firmware.unpublish(request.charge_point_id, request.checksum)
        return edge_firmware_pb2.UnpublishFirmwareResponse(status=answer)

    async def RecordPublishFirmwareStatus(
        self, request: firmware_pb2.RecordPublishFirmwareStatusRequest, context: Context
    ) -> firmware_pb2.RecordPublishFirmwareStatusResponse:
        await self._firmware.record_publish_status(
            request.charge_point_id, request.status, request.request_id, list(request.locations)
        )
        return firmware_pb2.RecordPublishFirmwareStatusResponse()

    async def ListFirmwareUpdates(
        self, request: firmware_pb2.ListFirmwareUpdatesRequest, context: Context
    ) -> firmware_pb2.ListFirmwareUpdatesResponse:
        found = await self._firmware.list_requests(
            request.charge_point_id, FirmwareKind.UPDATE, request.request_id
        )
        return firmware_pb2.ListFirmwareUpdatesResponse(
            updates=[firmware_request_to_proto(history) for history in found]
        )

    async def ListFirmwarePublications(
        self, request: firmware_pb2.ListFirmwarePublicationsRequest, context: Context
    ) -> firmware_pb2.ListFirmwarePublicationsResponse:
        found = await self._firmware.list_requests(
            request.charge_point_id, FirmwareKind.PUBLISH, request.request_id
        )
        return firmware_pb2.ListFirmwarePublicationsResponse(
            publications=[firmware_request_to_proto(history) for history in found]
        )

    # Issue 14: fleet summary.

    async def GetFleetSummary(
        self, request: fleet_pb2.GetFleetSummaryRequest, context: Context
    ) -> fleet_pb2.FleetSummary:
        return summary_to_proto(await self._use_cases.fleet_summary())
