"""The gRPC methods of ChargePointService about requests sent to stations and display
messages (issue 13), mixed into :class:`chargepoint_svc.servicer.ChargePointServicer`.
Translation only, as the rest of the servicer."""

from __future__ import annotations

from typing import Any

import grpc

from chargepoint_svc.domain.station_requests import RequestKind
from chargepoint_svc.request_messages import (
    customer_details_from_proto,
    customer_information_to_proto,
    customer_part_from_proto,
    display_message_from_proto,
    display_message_to_proto,
    enum_name,
    log_details_from_proto,
    log_request_to_proto,
)
from chargepoint_svc.use_cases.display_messages import DisplayMessageUseCases
from chargepoint_svc.use_cases.station_requests import StationRequestUseCases
from csms.chargepoint.v1 import logs_and_display_pb2 as pb
from csms.common.v1 import display_message_pb2
from servicekit.pagination import PageRequest, next_page_token

Context = grpc.aio.ServicerContext[Any, Any]
Message = display_message_pb2.DisplayMessage


class StationRequestRpcs:
    requests: StationRequestUseCases
    display: DisplayMessageUseCases

    async def RequestLog(self, request: pb.RequestLogRequest, context: Context) -> pb.LogRequest:
        sent = await self.requests.request_log(
            request.charge_point_id, log_details_from_proto(request), request.requested_by
        )
        return log_request_to_proto(sent)

    async def ListLogRequests(
        self, request: pb.ListLogRequestsRequest, context: Context
    ) -> pb.ListLogRequestsResponse:
        page = PageRequest.parse(request.page_size, request.page_token)
        before = None if page.after is None else int(page.after)
        found = await self.requests.page(
            request.charge_point_id, RequestKind.LOG, before, page.size + 1
        )
        more = len(found) > page.size
        shown = found[: page.size]
        return pb.ListLogRequestsResponse(
            log_requests=[log_request_to_proto(item) for item in shown],
            next_page_token=next_page_token(str(shown[-1].request.request_id) if more else None),
        )

    async def GetLogRequest(
        self, request: pb.GetLogRequestRequest, context: Context
    ) -> pb.LogRequest:
        found = await self.requests.get(
            request.charge_point_id, RequestKind.LOG, request.request_id
        )
        return log_request_to_proto(found)

    async def RequestCustomerInformation(
        self, request: pb.RequestCustomerInformationRequest, context: Context
    ) -> pb.CustomerInformation:
        sent = await self.requests.request_customer_information(
            request.charge_point_id, customer_details_from_proto(request), request.requested_by
        )
        return customer_information_to_proto(sent)

    async def GetCustomerInformation(
        self, request: pb.GetCustomerInformationRequest, context: Context
    ) -> pb.CustomerInformation:
        found = await self.requests.get(
            request.charge_point_id, RequestKind.CUSTOMER_INFORMATION, request.request_id
        )
        return customer_information_to_proto(found)

    async def RecordCustomerInformation(
        self, request: pb.RecordCustomerInformationRequest, context: Context
    ) -> pb.RecordCustomerInformationResponse:
        await self.requests.record_customer_information(
            request.charge_point_id, request.request_id, customer_part_from_proto(request)
        )
        return pb.RecordCustomerInformationResponse()

    async def SetDisplayMessage(
        self, request: pb.SetDisplayMessageRequest, context: Context
    ) -> pb.SetDisplayMessageResponse:
        status = await self.display.set_message(
            request.charge_point_id, display_message_from_proto(request.message)
        )
        return pb.SetDisplayMessageResponse(status=status)

    async def ClearDisplayMessage(
        self, request: pb.ClearDisplayMessageRequest, context: Context
    ) -> pb.ClearDisplayMessageResponse:
        status = await self.display.clear_message(request.charge_point_id, request.id)
        return pb.ClearDisplayMessageResponse(status=status)

    async def RequestDisplayMessages(
        self, request: pb.RequestDisplayMessagesRequest, context: Context
    ) -> pb.RequestDisplayMessagesResponse:
        status, request_id = await self.display.request_report(
            request.charge_point_id,
            list(request.ids),
            enum_name(Message.Priority, request.priority),
            enum_name(Message.State, request.state),
        )
        return pb.RequestDisplayMessagesResponse(status=status, request_id=request_id)

    async def ListDisplayMessages(
        self, request: pb.ListDisplayMessagesRequest, context: Context
    ) -> pb.ListDisplayMessagesResponse:
        messages = await self.display.messages(request.charge_point_id)
        return pb.ListDisplayMessagesResponse(
            messages=[display_message_to_proto(message) for message in messages]
        )

    async def RecordDisplayMessages(
        self, request: pb.RecordDisplayMessagesRequest, context: Context
    ) -> pb.RecordDisplayMessagesResponse:
        await self.display.record_report(
            request.charge_point_id,
            request.request_id,
            [display_message_from_proto(message) for message in request.messages],
        )
        return pb.RecordDisplayMessagesResponse()
