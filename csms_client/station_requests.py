"""Requests the CSMS sends stations and keeps with what they report (ChargePointService):
log uploads (OCPP 1.6 GetDiagnostics, 2.x GetLog), customer information (2.x N09-N10) and
display messages (2.x O01-O06). A station's CALLERROR, or one that is not connected, raises
:class:`~csms_client.errors.CsmsError` as the edge operations do; the request stays on
record with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from csms.chargepoint.v1 import logs_and_display_pb2 as pb
from csms.common.v1 import display_message_pb2
from csms_client.errors import invoke
from csms_client.moments import to_timestamp

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub

DisplayMessage = display_message_pb2.DisplayMessage
MessageContent = display_message_pb2.MessageContent


class StationRequests:
    def __init__(self, stub: ChargePointServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def request_log(
        self,
        charge_point_id: str,
        location: str,
        *,
        security: bool = False,
        retries: int = 0,
        retry_interval_seconds: int = 0,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
        requested_by: str = "",
    ) -> pb.LogRequest:
        """The stored request with its requestId, the station's answer and file name."""
        log_type = pb.RequestLogRequest.SECURITY if security else pb.RequestLogRequest.DIAGNOSTICS
        request = pb.RequestLogRequest(
            charge_point_id=charge_point_id,
            location=location,
            log_type=log_type,
            retries=retries,
            retry_interval_seconds=retry_interval_seconds,
            start_time=to_timestamp(start_time),
            stop_time=to_timestamp(stop_time),
            requested_by=requested_by,
        )
        return await invoke(self.stub.RequestLog, request, self._timeout)

    async def log_request(self, charge_point_id: str, request_id: int) -> pb.LogRequest:
        """The request with every status the station reported, oldest first."""
        request = pb.GetLogRequestRequest(charge_point_id=charge_point_id, request_id=request_id)
        return await invoke(self.stub.GetLogRequest, request, self._timeout)

    async def log_requests(
        self, charge_point_id: str, page_size: int = 0, page_token: str = ""
    ) -> pb.ListLogRequestsResponse:
        request = pb.ListLogRequestsRequest(
            charge_point_id=charge_point_id, page_size=page_size, page_token=page_token
        )
        return await invoke(self.stub.ListLogRequests, request, self._timeout)

    async def request_customer_information(
        self,
        charge_point_id: str,
        *,
        report: bool = True,
        clear: bool = False,
        id_token: str = "",
        id_token_type: str = "",
        customer_identifier: str = "",
        requested_by: str = "",
    ) -> pb.CustomerInformation:
        request = pb.RequestCustomerInformationRequest(
            charge_point_id=charge_point_id,
            report=report,
            clear=clear,
            id_token=id_token,
            id_token_type=id_token_type,
            customer_identifier=customer_identifier,
            requested_by=requested_by,
        )
        return await invoke(self.stub.RequestCustomerInformation, request, self._timeout)

    async def customer_information(
        self, charge_point_id: str, request_id: int
    ) -> pb.CustomerInformation:
        """The request with the station's report assembled, and whether it is complete."""
        request = pb.GetCustomerInformationRequest(
            charge_point_id=charge_point_id, request_id=request_id
        )
        return await invoke(self.stub.GetCustomerInformation, request, self._timeout)

    async def set_display_message(self, charge_point_id: str, message: DisplayMessage) -> str:
        """The station's answer ("Accepted", "Rejected", "NotSupportedPriority", ...)."""
        request = pb.SetDisplayMessageRequest(charge_point_id=charge_point_id, message=message)
        return (await invoke(self.stub.SetDisplayMessage, request, self._timeout)).status

    async def clear_display_message(self, charge_point_id: str, message_id: int) -> str:
        request = pb.ClearDisplayMessageRequest(charge_point_id=charge_point_id, id=message_id)
        return (await invoke(self.stub.ClearDisplayMessage, request, self._timeout)).status

    async def request_display_messages(
        self,
        charge_point_id: str,
        ids: Iterable[int] = (),
        priority: DisplayMessage.Priority.ValueType = DisplayMessage.PRIORITY_UNSPECIFIED,
        state: DisplayMessage.State.ValueType = DisplayMessage.STATE_UNSPECIFIED,
    ) -> pb.RequestDisplayMessagesResponse:
        request = pb.RequestDisplayMessagesRequest(
            charge_point_id=charge_point_id, ids=list(ids), priority=priority, state=state
        )
        return await invoke(self.stub.RequestDisplayMessages, request, self._timeout)

    async def display_messages(self, charge_point_id: str) -> list[DisplayMessage]:
        """The messages the station shows, as it accepted and reported them."""
        request = pb.ListDisplayMessagesRequest(charge_point_id=charge_point_id)
        return list((await invoke(self.stub.ListDisplayMessages, request, self._timeout)).messages)
