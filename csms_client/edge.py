"""EdgeService: live sessions and the calls the CSMS sends to charge points.

Each operation goes to the named charge point in the OCPP version it speaks; the station's
own answer comes back. A station's CALLERROR raises :class:`~csms_client.errors.CsmsError`
with ``ocpp_code`` and ``ocpp_description`` set (FAILED_PRECONDITION); a station that is not
connected is NOT_FOUND; one that did not answer in time is DEADLINE_EXCEEDED.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import json_format, struct_pb2

from csms.common.v1 import health_pb2
from csms.edge.v1 import (
    device_model_pb2,
    edge_pb2,
    events_pb2,
    operations_pb2,
    smart_charging_pb2,
)
from csms_client.errors import OCPP_CALL_ERROR, CsmsError, ErrorDetail, invoke
from csms_client.moments import to_timestamp

if TYPE_CHECKING:
    from csms.edge.v1.edge_pb2_grpc import EdgeServiceAsyncStub

ops = operations_pb2


class Edge:
    def __init__(self, stub: EdgeServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    # Sessions, statistics and health.

    async def health(self) -> health_pb2.HealthReport:
        return await invoke(self.stub.GetHealth, health_pb2.GetHealthRequest(), self._timeout)

    async def connections(self, charge_point_ids: Iterable[str] = ()) -> list[edge_pb2.Connection]:
        """Every replica's connections; with ``charge_point_ids``, only those of them that
        are connected (one look-up however large the fleet)."""
        request = edge_pb2.ListConnectionsRequest(charge_point_ids=list(charge_point_ids))
        return list((await invoke(self.stub.ListConnections, request, self._timeout)).connections)

    async def list_connections(
        self, charge_point_ids: Iterable[str] = ()
    ) -> list[edge_pb2.Connection]:
        """:meth:`connections`, named after the RPC."""
        return await self.connections(charge_point_ids)

    async def watch_events(
        self, charge_point_ids: Iterable[str] = (), *, keepalives: bool = False
    ) -> AsyncGenerator[events_pb2.FleetEvent, None]:
        """The fleet's live events as they happen, for the stations named (every station
        when none), until the caller stops iterating; no deadline. KEEPALIVEs (one when the
        watch is in place, then one after each 15 s without events) are skipped unless
        ``keepalives``. A failure of the stream raises :class:`CsmsError`."""
        request = events_pb2.WatchEventsRequest(charge_point_ids=list(charge_point_ids))
        call = self.stub.WatchEvents(request)
        try:
            async for event in call:
                if keepalives or event.kind != events_pb2.FleetEvent.KEEPALIVE:
                    yield event
        except grpc.aio.AioRpcError as error:
            raise CsmsError.from_rpc_error(error) from None
        finally:
            call.cancel()

    async def disconnect(self, charge_point_id: str) -> None:
        request = edge_pb2.DisconnectRequest(charge_point_id=charge_point_id)
        await invoke(self.stub.Disconnect, request, self._timeout)

    async def statistics(self) -> edge_pb2.Statistics:
        request = edge_pb2.GetStatisticsRequest()
        return await invoke(self.stub.GetStatistics, request, self._timeout)

    async def services(self) -> list[edge_pb2.ServiceStatus]:
        request = edge_pb2.ListServicesRequest()
        return list((await invoke(self.stub.ListServices, request, self._timeout)).services)

    async def send(
        self, charge_point_id: str, action: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Any OCPP action; the CALLRESULT payload, or a CsmsError carrying the CALLERROR."""
        body = struct_pb2.Struct()
        body.update(dict(payload))
        request = edge_pb2.SendRequest(charge_point_id=charge_point_id, action=action, payload=body)
        answer = await invoke(self.stub.Send, request, self._timeout)
        if answer.WhichOneof("answer") == "call_error":
            error = answer.call_error
            detail = ErrorDetail(
                OCPP_CALL_ERROR, "", {"code": error.code, "description": error.description}
            )
            message = f"{charge_point_id} answered {action} with {error.code}"
            raise CsmsError(grpc.StatusCode.FAILED_PRECONDITION, message, detail)
        return json_format.MessageToDict(answer.result)

    # Typed operations (OCPP 1.6 Core and the optional profiles; their 2.x counterparts).

    async def remote_start(
        self,
        charge_point_id: str,
        id_tag: str,
        evse_id: int = 0,
        charging_profile: smart_charging_pb2.ChargingProfile | None = None,
        id_token_type: str = "",
    ) -> ops.RequestStartTransactionResponse:
        """``id_token_type`` (2.x) empty: the type auth_svc stores the id tag with."""
        request = ops.RequestStartTransactionRequest(
            charge_point_id=charge_point_id,
            id_tag=id_tag,
            evse_id=evse_id,
            charging_profile=charging_profile,
            id_token_type=id_token_type,
        )
        return await invoke(self.stub.RequestStartTransaction, request, self._timeout)

    async def remote_stop(
        self, charge_point_id: str, transaction_id: int
    ) -> ops.RequestStopTransactionResponse:
        request = ops.RequestStopTransactionRequest(
            charge_point_id=charge_point_id, transaction_id=transaction_id
        )
        return await invoke(self.stub.RequestStopTransaction, request, self._timeout)

    async def unlock(
        self, charge_point_id: str, evse_id: int, connector_id: int = 0
    ) -> ops.UnlockConnectorResponse:
        request = ops.UnlockConnectorRequest(
            charge_point_id=charge_point_id, evse_id=evse_id, connector_id=connector_id
        )
        return await invoke(self.stub.UnlockConnector, request, self._timeout)

    async def reset(
        self, charge_point_id: str, *, hard: bool = False, evse_id: int = 0
    ) -> ops.ResetResponse:
        """The whole station, or (OCPP 2.x) the EVSE ``evse_id`` alone."""
        kind = ops.ResetRequest.HARD if hard else ops.ResetRequest.SOFT
        request = ops.ResetRequest(charge_point_id=charge_point_id, type=kind, evse_id=evse_id)
        return await invoke(self.stub.Reset, request, self._timeout)

    async def change_availability(
        self, charge_point_id: str, evse_id: int, *, operative: bool, connector_id: int = 0
    ) -> ops.ChangeAvailabilityResponse:
        """The station (``evse_id`` 0), one EVSE, or one connector of it."""
        request = ops.ChangeAvailabilityRequest(
            charge_point_id=charge_point_id,
            evse_id=evse_id,
            operative=operative,
            connector_id=connector_id,
        )
        return await invoke(self.stub.ChangeAvailability, request, self._timeout)

    async def clear_cache(self, charge_point_id: str) -> ops.ClearCacheResponse:
        request = ops.ClearCacheRequest(charge_point_id=charge_point_id)
        return await invoke(self.stub.ClearCache, request, self._timeout)

    async def get_configuration(
        self, charge_point_id: str, keys: Iterable[str] = ()
    ) -> ops.GetConfigurationResponse:
        request = ops.GetConfigurationRequest(charge_point_id=charge_point_id, keys=list(keys))
        return await invoke(self.stub.GetConfiguration, request, self._timeout)

    async def change_configuration(
        self, charge_point_id: str, key: str, value: str
    ) -> ops.ChangeConfigurationResponse:
        request = ops.ChangeConfigurationRequest(
            charge_point_id=charge_point_id, key=key, value=value
        )
        return await invoke(self.stub.ChangeConfiguration, request, self._timeout)

    async def data_transfer(
        self, charge_point_id: str, vendor_id: str, message_id: str = "", data: str = ""
    ) -> ops.DataTransferResponse:
        request = ops.DataTransferRequest(
            charge_point_id=charge_point_id, vendor_id=vendor_id, message_id=message_id, data=data
        )
        return await invoke(self.stub.DataTransfer, request, self._timeout)

    async def local_list_version(self, charge_point_id: str) -> int:
        request = ops.GetLocalListVersionRequest(charge_point_id=charge_point_id)
        return (await invoke(self.stub.GetLocalListVersion, request, self._timeout)).version

    async def send_local_list(self, request: ops.SendLocalListRequest) -> ops.SendLocalListResponse:
        """A list the caller built; operators normally let auth_svc build and record it."""
        return await invoke(self.stub.SendLocalList, request, self._timeout)

    async def trigger(
        self,
        charge_point_id: str,
        message: ops.TriggerMessageRequest.Message.ValueType,
        evse_id: int = 0,
        connector_id: int = 0,
        custom_trigger: str = "",
    ) -> ops.TriggerMessageResponse:
        """F06; ``custom_trigger`` with CUSTOM_TRIGGER (OCPP 2.1)."""
        request = ops.TriggerMessageRequest(
            charge_point_id=charge_point_id,
            requested_message=message,
            evse_id=evse_id,
            connector_id=connector_id,
            custom_trigger=custom_trigger,
        )
        return await invoke(self.stub.TriggerMessage, request, self._timeout)

    async def update_firmware(
        self,
        charge_point_id: str,
        location: str,
        retrieve_at: datetime,
        retries: int = 0,
        retry_interval_seconds: int = 0,
    ) -> None:
        request = ops.UpdateFirmwareRequest(
            charge_point_id=charge_point_id,
            location=location,
            retrieve_at=to_timestamp(retrieve_at),
            retries=retries,
            retry_interval_seconds=retry_interval_seconds,
        )
        await invoke(self.stub.UpdateFirmware, request, self._timeout)

    async def get_diagnostics(
        self,
        charge_point_id: str,
        location: str,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
    ) -> str:
        """The name of the file the station will upload; empty when it has none."""
        request = ops.GetDiagnosticsRequest(
            charge_point_id=charge_point_id,
            location=location,
            start_time=to_timestamp(start_time),
            stop_time=to_timestamp(stop_time),
        )
        return (await invoke(self.stub.GetDiagnostics, request, self._timeout)).file_name

    async def reserve_now(self, request: ops.ReserveNowRequest) -> ops.ReserveNowResponse:
        """A reservation the caller stored; operators use transaction_svc's ReserveNow."""
        return await invoke(self.stub.ReserveNow, request, self._timeout)

    async def cancel_reservation(
        self, charge_point_id: str, reservation_id: int
    ) -> ops.CancelReservationResponse:
        request = ops.CancelReservationRequest(
            charge_point_id=charge_point_id, reservation_id=reservation_id
        )
        return await invoke(self.stub.CancelReservation, request, self._timeout)

    async def set_charging_profile(
        self, charge_point_id: str, evse_id: int, profile: smart_charging_pb2.ChargingProfile
    ) -> ops.SetChargingProfileResponse:
        request = ops.SetChargingProfileRequest(
            charge_point_id=charge_point_id, evse_id=evse_id, charging_profile=profile
        )
        return await invoke(self.stub.SetChargingProfile, request, self._timeout)

    async def clear_charging_profile(
        self, request: ops.ClearChargingProfileRequest
    ) -> ops.ClearChargingProfileResponse:
        """Clears the profiles the request's criteria select (OCPP 1.6 §5.5)."""
        return await invoke(self.stub.ClearChargingProfile, request, self._timeout)

    async def composite_schedule(
        self,
        charge_point_id: str,
        evse_id: int,
        duration_seconds: int,
        rate_unit: smart_charging_pb2.ChargingSchedule.RateUnit.ValueType = (
            smart_charging_pb2.ChargingSchedule.RATE_UNIT_UNSPECIFIED
        ),
    ) -> ops.GetCompositeScheduleResponse:
        request = ops.GetCompositeScheduleRequest(
            charge_point_id=charge_point_id,
            evse_id=evse_id,
            duration_seconds=duration_seconds,
            rate_unit=rate_unit,
        )
        return await invoke(self.stub.GetCompositeSchedule, request, self._timeout)

    async def update_cost(
        self, charge_point_id: str, transaction_id: int, total_cost: str
    ) -> ops.UpdateCostResponse:
        """Shows the driver the running total cost of a transaction, a decimal string such
        as "12.34" (OCPP 2.x CostUpdated, I02; not in OCPP 1.6)."""
        request = ops.UpdateCostRequest(
            charge_point_id=charge_point_id, transaction_id=transaction_id, total_cost=total_cost
        )
        return await invoke(self.stub.UpdateCost, request, self._timeout)

    # Issue 13: device model.

    async def get_variables(
        self, charge_point_id: str, variables: Iterable[device_model_pb2.VariableRead]
    ) -> device_model_pb2.GetVariablesResponse:
        """OCPP 2.x GetVariables (B06): results in request order; the edge sends as many
        messages as the station takes."""
        request = device_model_pb2.GetVariablesRequest(
            charge_point_id=charge_point_id, variables=list(variables)
        )
        return await invoke(self.stub.GetVariables, request, self._timeout)

    async def set_variables(
        self, charge_point_id: str, variables: Iterable[device_model_pb2.VariableWrite]
    ) -> device_model_pb2.SetVariablesResponse:
        """OCPP 2.x SetVariables (B05); values the station took are stored in its device
        model."""
        request = device_model_pb2.SetVariablesRequest(
            charge_point_id=charge_point_id, variables=list(variables)
        )
        return await invoke(self.stub.SetVariables, request, self._timeout)

    # Issue 13: smart charging.

    async def get_charging_profiles(
        self,
        charge_point_id: str,
        *,
        evse_id: int | None = None,
        purpose: smart_charging_pb2.ChargingProfile.Purpose.ValueType = (
            smart_charging_pb2.ChargingProfile.PURPOSE_UNSPECIFIED
        ),
        stack_level: int | None = None,
        profile_ids: Iterable[int] = (),
        sources: Iterable[smart_charging_pb2.LimitSource.ValueType] = (),
    ) -> smart_charging_pb2.GetChargingProfilesResponse:
        """OCPP 2.x GetChargingProfiles (K09): the station reports the profiles matching
        every criterion given (``evse_id`` None: every EVSE, 0: the whole station); the
        CSMS keeps them (:meth:`csms_client.records.ChargePoints.charging_profiles`)."""
        request = smart_charging_pb2.GetChargingProfilesRequest(
            charge_point_id=charge_point_id,
            evse_id=evse_id,
            purpose=purpose,
            stack_level=stack_level,
            profile_ids=list(profile_ids),
            sources=list(sources),
        )
        return await invoke(self.stub.GetChargingProfiles, request, self._timeout)
