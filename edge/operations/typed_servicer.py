"""The typed EdgeService operations (remote start, reset, configuration, ...): each RPC
sends one OCPP call through :class:`~edge.operations.dispatcher.Dispatcher`, and every failure is
mapped to a gRPC status by :func:`edge.operations.errors.abort`, in one place."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.message import Message

from csms.edge.v1 import (
    certificates_pb2,
    device_model_pb2,
    firmware_pb2,
    logs_and_display_pb2,
    monitoring_pb2,
    network_profiles_pb2,
    operations_pb2,
    smart_charging_pb2,
)
from edge.cluster.replica import Replica
from edge.operations.dispatcher import Dispatcher
from edge.operations.errors import OperationError, abort

Context = grpc.aio.ServicerContext[Any, Any]


class TypedOperations:
    """The typed half of EdgeService; the servicer sets :attr:`dispatcher` and, with
    replicas, :attr:`replica`."""

    dispatcher: Dispatcher
    replica: Replica | None

    async def _forward_if_remote(self, name: str, request: Any, context: Context) -> Any | None:
        """The answer of another replica when it holds the charge point's socket."""
        if self.replica is None:
            return None
        return await self.replica.forward_if_remote(name, request.charge_point_id, request, context)

    async def _perform(self, name: str, request: Any, context: Context) -> Any:
        forwarded = await self._forward_if_remote(name, request, context)
        if forwarded is not None:
            return forwarded
        try:
            response: Message = await self.dispatcher.perform(
                name, request.charge_point_id, request, context.time_remaining()
            )
        except OperationError as error:
            await abort(context, error)
        return response

    async def RequestStartTransaction(
        self, request: operations_pb2.RequestStartTransactionRequest, context: Context
    ) -> operations_pb2.RequestStartTransactionResponse:
        response: operations_pb2.RequestStartTransactionResponse = await self._perform(
            "RequestStartTransaction", request, context
        )
        return response

    async def RequestStopTransaction(
        self, request: operations_pb2.RequestStopTransactionRequest, context: Context
    ) -> operations_pb2.RequestStopTransactionResponse:
        response: operations_pb2.RequestStopTransactionResponse = await self._perform(
            "RequestStopTransaction", request, context
        )
        return response

    async def UnlockConnector(
        self, request: operations_pb2.UnlockConnectorRequest, context: Context
    ) -> operations_pb2.UnlockConnectorResponse:
        response: operations_pb2.UnlockConnectorResponse = await self._perform(
            "UnlockConnector", request, context
        )
        return response

    async def Reset(
        self, request: operations_pb2.ResetRequest, context: Context
    ) -> operations_pb2.ResetResponse:
        response: operations_pb2.ResetResponse = await self._perform("Reset", request, context)
        return response

    async def ChangeAvailability(
        self, request: operations_pb2.ChangeAvailabilityRequest, context: Context
    ) -> operations_pb2.ChangeAvailabilityResponse:
        response: operations_pb2.ChangeAvailabilityResponse = await self._perform(
            "ChangeAvailability", request, context
        )
        return response

    async def ClearCache(
        self, request: operations_pb2.ClearCacheRequest, context: Context
    ) -> operations_pb2.ClearCacheResponse:
        response: operations_pb2.ClearCacheResponse = await self._perform(
            "ClearCache", request, context
        )
        return response

    async def GetConfiguration(
        self, request: operations_pb2.GetConfigurationRequest, context: Context
    ) -> operations_pb2.GetConfigurationResponse:
        """OCPP 1.6 GetConfiguration; OCPP 2.x GetVariables of the Actual values, where a
        key is ``"Component.Variable"`` split at the first "." (``"OCPPCommCtrlr.
        HeartbeatInterval"``) and at least one key is required (use GetReport for all)."""
        response: operations_pb2.GetConfigurationResponse = await self._perform(
            "GetConfiguration", request, context
        )
        return response

    async def ChangeConfiguration(
        self, request: operations_pb2.ChangeConfigurationRequest, context: Context
    ) -> operations_pb2.ChangeConfigurationResponse:
        """OCPP 1.6 ChangeConfiguration; OCPP 2.x SetVariables of one Actual value, the
        key written ``"Component.Variable"`` as for GetConfiguration."""
        response: operations_pb2.ChangeConfigurationResponse = await self._perform(
            "ChangeConfiguration", request, context
        )
        return response

    async def DataTransfer(
        self, request: operations_pb2.DataTransferRequest, context: Context
    ) -> operations_pb2.DataTransferResponse:
        response: operations_pb2.DataTransferResponse = await self._perform(
            "DataTransfer", request, context
        )
        return response

    async def GetLocalListVersion(
        self, request: operations_pb2.GetLocalListVersionRequest, context: Context
    ) -> operations_pb2.GetLocalListVersionResponse:
        response: operations_pb2.GetLocalListVersionResponse = await self._perform(
            "GetLocalListVersion", request, context
        )
        return response

    async def SendLocalList(
        self, request: operations_pb2.SendLocalListRequest, context: Context
    ) -> operations_pb2.SendLocalListResponse:
        response: operations_pb2.SendLocalListResponse = await self._perform(
            "SendLocalList", request, context
        )
        return response

    async def TriggerMessage(
        self, request: operations_pb2.TriggerMessageRequest, context: Context
    ) -> operations_pb2.TriggerMessageResponse:
        response: operations_pb2.TriggerMessageResponse = await self._perform(
            "TriggerMessage", request, context
        )
        return response

    async def UpdateFirmware(
        self, request: operations_pb2.UpdateFirmwareRequest, context: Context
    ) -> operations_pb2.UpdateFirmwareResponse:
        response: operations_pb2.UpdateFirmwareResponse = await self._perform(
            "UpdateFirmware", request, context
        )
        return response

    async def GetDiagnostics(
        self, request: operations_pb2.GetDiagnosticsRequest, context: Context
    ) -> operations_pb2.GetDiagnosticsResponse:
        response: operations_pb2.GetDiagnosticsResponse = await self._perform(
            "GetDiagnostics", request, context
        )
        return response

    async def ReserveNow(
        self, request: operations_pb2.ReserveNowRequest, context: Context
    ) -> operations_pb2.ReserveNowResponse:
        response: operations_pb2.ReserveNowResponse = await self._perform(
            "ReserveNow", request, context
        )
        return response

    async def CancelReservation(
        self, request: operations_pb2.CancelReservationRequest, context: Context
    ) -> operations_pb2.CancelReservationResponse:
        response: operations_pb2.CancelReservationResponse = await self._perform(
            "CancelReservation", request, context
        )
        return response

    async def SetChargingProfile(
        self, request: operations_pb2.SetChargingProfileRequest, context: Context
    ) -> operations_pb2.SetChargingProfileResponse:
        response: operations_pb2.SetChargingProfileResponse = await self._perform(
            "SetChargingProfile", request, context
        )
        return response

    async def ClearChargingProfile(
        self, request: operations_pb2.ClearChargingProfileRequest, context: Context
    ) -> operations_pb2.ClearChargingProfileResponse:
        response: operations_pb2.ClearChargingProfileResponse = await self._perform(
            "ClearChargingProfile", request, context
        )
        return response

    async def GetCompositeSchedule(
        self, request: operations_pb2.GetCompositeScheduleRequest, context: Context
    ) -> operations_pb2.GetCompositeScheduleResponse:
        response: operations_pb2.GetCompositeScheduleResponse = await self._perform(
            "GetCompositeSchedule", request, context
        )
        return response

    async def GetReport(
        self, request: operations_pb2.GetReportRequest, context: Context
    ) -> operations_pb2.GetReportResponse:
        """OCPP 2.x GetBaseReport (B07); the station sends the report as NotifyReport
        parts carrying the answered request_id. UNIMPLEMENTED for OCPP 1.6."""
        response: operations_pb2.GetReportResponse = await self._perform(
            "GetReport", request, context
        )
        return response

    async def GetTransactionStatus(
        self, request: operations_pb2.GetTransactionStatusRequest, context: Context
    ) -> operations_pb2.GetTransactionStatusResponse:
        """OCPP 2.x GetTransactionStatus (E14), the transaction named by its station id.
        UNIMPLEMENTED for OCPP 1.6."""
        response: operations_pb2.GetTransactionStatusResponse = await self._perform(
            "GetTransactionStatus", request, context
        )
        return response

    async def InstallCertificate(
        self, request: certificates_pb2.InstallCertificateRequest, context: Context
    ) -> certificates_pb2.InstallCertificateResponse:
        """OCPP 1.6 security extension and 2.x InstallCertificate (M05): a root the
        station trusts from now on."""
        response: certificates_pb2.InstallCertificateResponse = await self._perform(
            "InstallCertificate", request, context
        )
        return response

    async def DeleteCertificate(
        self, request: certificates_pb2.DeleteCertificateRequest, context: Context
    ) -> certificates_pb2.DeleteCertificateResponse:
        response: certificates_pb2.DeleteCertificateResponse = await self._perform(
            "DeleteCertificate", request, context
        )
        return response

    async def GetInstalledCertificateIds(
        self, request: certificates_pb2.GetInstalledCertificateIdsRequest, context: Context
    ) -> certificates_pb2.GetInstalledCertificateIdsResponse:
        """OCPP 1.6 asks for one type at a time; 2.x for any (none: every type)."""
        response: certificates_pb2.GetInstalledCertificateIdsResponse = await self._perform(
            "GetInstalledCertificateIds", request, context
        )
        return response

    async def SetBasicAuthPassword(
        self, request: operations_pb2.SetBasicAuthPasswordRequest, context: Context
    ) -> operations_pb2.ChangeConfigurationResponse:
        """The station's HTTP Basic auth password: OCPP 1.6 ChangeConfiguration of
        AuthorizationKey (hex), 2.x SetVariables of SecurityCtrlr.BasicAuthPassword."""
        response: operations_pb2.ChangeConfigurationResponse = await self._perform(
            "SetBasicAuthPassword", request, context
        )
        return response

    async def UpdateCost(
        self, request: operations_pb2.UpdateCostRequest, context: Context
    ) -> operations_pb2.UpdateCostResponse:
        """OCPP 2.x CostUpdated (I02); OCPP 1.6 has none."""
        response: operations_pb2.UpdateCostResponse = await self._perform(
            "UpdateCost", request, context
        )
        return response

    # Issue 13: device model.

    async def GetVariables(
        self, request: device_model_pb2.GetVariablesRequest, context: Context
    ) -> device_model_pb2.GetVariablesResponse:
        """OCPP 2.x GetVariables (B06), in as many messages as the station takes."""
        response: device_model_pb2.GetVariablesResponse = await self._perform(
            "GetVariables", request, context
        )
        return response

    async def SetVariables(
        self, request: device_model_pb2.SetVariablesRequest, context: Context
    ) -> device_model_pb2.SetVariablesResponse:
        """OCPP 2.x SetVariables (B05), in as many messages as the station takes."""
        response: device_model_pb2.SetVariablesResponse = await self._perform(
            "SetVariables", request, context
        )
        return response

    # Issue 13: monitoring.

    async def SetVariableMonitoring(
        self, request: monitoring_pb2.SetVariableMonitoringRequest, context: Context
    ) -> monitoring_pb2.SetVariableMonitoringResponse:
        """OCPP 2.x SetVariableMonitoring (N04): one result per monitor, in order, with the
        id the station gave each it accepted. UNIMPLEMENTED for OCPP 1.6."""
        response: monitoring_pb2.SetVariableMonitoringResponse = await self._perform(
            "SetVariableMonitoring", request, context
        )
        return response

    async def ClearVariableMonitoring(
        self, request: monitoring_pb2.ClearVariableMonitoringRequest, context: Context
    ) -> monitoring_pb2.ClearVariableMonitoringResponse:
        """OCPP 2.x ClearVariableMonitoring (N06): one result per id."""
        response: monitoring_pb2.ClearVariableMonitoringResponse = await self._perform(
            "ClearVariableMonitoring", request, context
        )
        return response

    async def SetMonitoringBase(
        self, request: monitoring_pb2.SetMonitoringBaseRequest, context: Context
    ) -> monitoring_pb2.SetMonitoringBaseResponse:
        """OCPP 2.x SetMonitoringBase (N03)."""
        response: monitoring_pb2.SetMonitoringBaseResponse = await self._perform(
            "SetMonitoringBase", request, context
        )
        return response

    async def SetMonitoringLevel(
        self, request: monitoring_pb2.SetMonitoringLevelRequest, context: Context
    ) -> monitoring_pb2.SetMonitoringLevelResponse:
        """OCPP 2.x SetMonitoringLevel (N05)."""
        response: monitoring_pb2.SetMonitoringLevelResponse = await self._perform(
            "SetMonitoringLevel", request, context
        )
        return response

    async def GetMonitoringReport(
        self, request: monitoring_pb2.GetMonitoringReportRequest, context: Context
    ) -> monitoring_pb2.GetMonitoringReportResponse:
        """OCPP 2.x GetMonitoringReport (N02); the station sends its monitors as
        NotifyMonitoringReport parts carrying the answered request_id."""
        response: monitoring_pb2.GetMonitoringReportResponse = await self._perform(
            "GetMonitoringReport", request, context
        )
        return response

    # Issue 13: network profiles.
    async def SetNetworkProfile(
        self, request: network_profiles_pb2.SetNetworkProfileRequest, context: Context
    ) -> network_profiles_pb2.SetNetworkProfileResponse:
        """OCPP 2.x SetNetworkProfile (B09); UNIMPLEMENTED for OCPP 1.6."""
        response: network_profiles_pb2.SetNetworkProfileResponse = await self._perform(
            "SetNetworkProfile", request, context
        )
        return response

    # Issue 13: logs and display messages.

    async def CustomerInformation(
        self, request: logs_and_display_pb2.CustomerInformationRequest, context: Context
    ) -> logs_and_display_pb2.CustomerInformationResponse:
        response: logs_and_display_pb2.CustomerInformationResponse = await self._perform(
            "CustomerInformation", request, context
        )
        return response

    async def SetDisplayMessage(
        self, request: logs_and_display_pb2.SetDisplayMessageRequest, context: Context
    ) -> logs_and_display_pb2.SetDisplayMessageResponse:
        response: logs_and_display_pb2.SetDisplayMessageResponse = await self._perform(
            "SetDisplayMessage", request, context
        )
        return response

    async def GetDisplayMessages(
        self, request: logs_and_display_pb2.GetDisplayMessagesRequest, context: Context
    ) -> logs_and_display_pb2.GetDisplayMessagesResponse:
        response: logs_and_display_pb2.GetDisplayMessagesResponse = await self._perform(
            "GetDisplayMessages", request, context
        )
        return response

    async def ClearDisplayMessage(
        self, request: logs_and_display_pb2.ClearDisplayMessageRequest, context: Context
    ) -> logs_and_display_pb2.ClearDisplayMessageResponse:
        response: logs_and_display_pb2.ClearDisplayMessageResponse = await self._perform(
            "ClearDisplayMessage", request, context
        )
        return response

    # Issue 13: smart charging.

    async def GetChargingProfiles(
        self, request: smart_charging_pb2.GetChargingProfilesRequest, context: Context
    ) -> smart_charging_pb2.GetChargingProfilesResponse:
        """OCPP 2.x GetChargingProfiles (K09); the station reports the profiles in
        ReportChargingProfiles parts carrying the answered request_id (kept by
        chargepoint_svc). UNIMPLEMENTED for OCPP 1.6."""
        response: smart_charging_pb2.GetChargingProfilesResponse = await self._perform(
            "GetChargingProfiles", request, context
        )
        return response

    # Issue 13: firmware.

    async def UpdateSignedFirmware(
        self, request: firmware_pb2.UpdateSignedFirmwareRequest, context: Context
    ) -> firmware_pb2.UpdateSignedFirmwareResponse:
        """OCPP 2.x UpdateFirmware with a signature (L01); 1.6 SignedUpdateFirmware."""
        response: firmware_pb2.UpdateSignedFirmwareResponse = await self._perform(
            "UpdateSignedFirmware", request, context
        )
        return response

    async def PublishFirmware(
        self, request: firmware_pb2.PublishFirmwareRequest, context: Context
    ) -> firmware_pb2.PublishFirmwareResponse:
        """OCPP 2.x PublishFirmware (L03), to a Local Controller."""
        response: firmware_pb2.PublishFirmwareResponse = await self._perform(
            "PublishFirmware", request, context
        )
        return response

    async def UnpublishFirmware(
        self, request: firmware_pb2.UnpublishFirmwareRequest, context: Context
    ) -> firmware_pb2.UnpublishFirmwareResponse:
        """OCPP 2.x UnpublishFirmware (L04)."""
        response: firmware_pb2.UnpublishFirmwareResponse = await self._perform(
            "UnpublishFirmware", request, context
        )
        return response
