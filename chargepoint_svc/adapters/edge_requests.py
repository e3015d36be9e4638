"""The :class:`~chargepoint_svc.ports.StationRequestCalls` port over the edge's EdgeService.

The call itself, its deadline and the edge's errors passed on with their status are
:mod:`servicekit.station_calls`'; here is what is chargepoint_svc's: the requests built from
its stored requests and messages, and the answers as the stations gave them.
"""

from __future__ import annotations

from datetime import datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import StationRequest
from chargepoint_svc.request_messages import display_message_to_proto, enum_number
from csms.common.v1 import display_message_pb2
from csms.edge.v1 import certificates_pb2, logs_and_display_pb2, operations_pb2
from servicekit.station_calls import StationCalls
from servicekit.timestamps import to_timestamp

Diagnostics = operations_pb2.GetDiagnosticsRequest
Hash = certificates_pb2.CertificateHashData

# A GetDiagnostics answer of OCPP 1.6 has no status: the station took the request.
ONE_SIX_ANSWER = "Accepted"


class EdgeRequests:
    """Sends GetLog, CustomerInformation and the display message calls through EdgeService
    with a deadline. The channel belongs to the caller (the composition root)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def get_log(self, request: StationRequest) -> tuple[str, str]:
        details = request.details
        message = Diagnostics(
            charge_point_id=request.charge_point_id,
            request_id=request.request_id,
            location=details["location"],
            retries=details.get("retries", 0),
            retry_interval_seconds=details.get("retry_interval_seconds", 0),
            log_type=Diagnostics.LogType.Value(details.get("log_type", "DIAGNOSTICS")),
            start_time=_moment(details.get("start_time")),
            stop_time=_moment(details.get("stop_time")),
        )
        response = await self._calls.call(self._calls.edge.GetDiagnostics, message)
        return response.status or ONE_SIX_ANSWER, response.file_name

    async def customer_information(self, request: StationRequest) -> str:
        details = request.details
        certificate = details.get("customer_certificate") or {}
        message = logs_and_display_pb2.CustomerInformationRequest(
            charge_point_id=request.charge_point_id,
            request_id=request.request_id,
            report=details.get("report", False),
            clear=details.get("clear", False),
            customer_identifier=details.get("customer_identifier", ""),
            id_token=details.get("id_token", ""),
            id_token_type=details.get("id_token_type", ""),
            customer_certificate=Hash(
                hash_algorithm=enum_number(
                    Hash.HashAlgorithm, certificate.get("hash_algorithm", "")
                ),
                issuer_name_hash=certificate.get("issuer_name_hash", ""),
                issuer_key_hash=certificate.get("issuer_key_hash", ""),
                serial_number=certificate.get("serial_number", ""),
            )
            if certificate
            else None,
        )
        response = await self._calls.call(self._calls.edge.CustomerInformation, message)
        return response.status

    async def set_display_message(
        self, charge_point_id: ChargePointId, message: DisplayMessage
    ) -> str:
        request = logs_and_display_pb2.SetDisplayMessageRequest(
            charge_point_id=charge_point_id, message=display_message_to_proto(message)
        )
        response = await self._calls.call(self._calls.edge.SetDisplayMessage, request)
        return response.status

    async def get_display_messages(self, request: StationRequest) -> str:
        details = request.details
        message = logs_and_display_pb2.GetDisplayMessagesRequest(
            charge_point_id=request.charge_point_id,
            request_id=request.request_id,
            ids=details.get("ids", []),
            priority=enum_number(display_message_pb2.DisplayMessage.Priority, details["priority"]),
            state=enum_number(display_message_pb2.DisplayMessage.State, details["state"]),
        )
        response = await self._calls.call(self._calls.edge.GetDisplayMessages, message)
        return response.status

    async def clear_display_message(self, charge_point_id: ChargePointId, message_id: int) -> str:
        request = logs_and_display_pb2.ClearDisplayMessageRequest(
            charge_point_id=charge_point_id, id=message_id
        )
        response = await self._calls.call(self._calls.edge.ClearDisplayMessage, request)
        return response.status


def _moment(text: str | None) -> Timestamp | None:
    return None if not text else to_timestamp(datetime.fromisoformat(text))
