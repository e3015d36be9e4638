"""Protobuf translation of the requests sent to stations, their reports and the display
messages (the rest of the service's is in :mod:`chargepoint_svc.messages`). Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import (
    CUSTOMER_IDENTIFIER_MAX_LENGTH,
    DATA_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    RequestReport,
    bounded_text,
)
from chargepoint_svc.errors import InvalidReport
from chargepoint_svc.use_cases.station_requests import RequestWithReports
from csms.chargepoint.v1 import logs_and_display_pb2 as pb
from csms.common.v1 import display_message_pb2
from servicekit.timestamps import from_timestamp, to_timestamp

Message = display_message_pb2.DisplayMessage
Content = display_message_pb2.MessageContent


class EnumValues(Protocol):
    def Name(self, number: Any) -> str: ...

    def Value(self, name: str) -> Any: ...


def enum_name(values: EnumValues, number: int) -> str:
    """The name of ``number``; "" for 0 (unspecified)."""
    return "" if number == 0 else values.Name(number)


def enum_number(values: EnumValues, name: str) -> Any:
    return 0 if not name else values.Value(name)


def _iso(stamp: Any, present: bool) -> str | None:
    moment = from_timestamp(stamp) if present else None
    return None if moment is None else moment.isoformat()


def _stamp(text: str | None) -> Any:
    return None if not text else to_timestamp(datetime.fromisoformat(text))


def log_details_from_proto(request: pb.RequestLogRequest) -> dict[str, Any]:
    if request.retries < 0 or request.retry_interval_seconds < 0:
        raise InvalidReport("retries and retry_interval_seconds must be 0 or more")
    return {
        "location": bounded_text("location", request.location, LOCATION_MAX_LENGTH),
        "log_type": enum_name(pb.RequestLogRequest.LogType, request.log_type) or "DIAGNOSTICS",
        "retries": request.retries,
        "retry_interval_seconds": request.retry_interval_seconds,
        "start_time": _iso(request.start_time, request.HasField("start_time")),
        "stop_time": _iso(request.stop_time, request.HasField("stop_time")),
    }


def log_request_to_proto(found: RequestWithReports) -> pb.LogRequest:
    request, details = found.request, found.request.details
    return pb.LogRequest(
        charge_point_id=request.charge_point_id,
        request_id=request.request_id,
        log_type=pb.RequestLogRequest.LogType.Value(details.get("log_type", "DIAGNOSTICS")),
        location=details.get("location", ""),
        retries=details.get("retries", 0),
        retry_interval_seconds=details.get("retry_interval_seconds", 0),
        start_time=_stamp(details.get("start_time")),
        stop_time=_stamp(details.get("stop_time")),
        requested_by=request.requested_by,
        requested_at=to_timestamp(request.requested_at),
        answer=request.answer,
        file_name=request.file_name,
        error=request.error,
        statuses=[
            pb.LogStatus(status=report.status, at=to_timestamp(report.received_at))
            for report in found.reports
        ],
    )


def customer_details_from_proto(request: pb.RequestCustomerInformationRequest) -> dict[str, Any]:
    """The request when OCPP 2.0.1 allows it: report or clear or both (N09, N10), and the
    customer named exactly one way (CustomerInformationRequest: customerIdentifier, idToken
    or customerCertificate)."""
    if not (request.report or request.clear):
        raise InvalidReport("report or clear (or both) must be true: what to do with the data")
    certificate = request.customer_certificate
    named = [
        name
        for name, given in (
            ("customer_identifier", request.customer_identifier),
            ("id_token", request.id_token),
            ("customer_certificate", certificate.serial_number),
        )
        if given
    ]
    if len(named) != 1:
        raise InvalidReport(
            "name the customer in exactly one of customer_identifier, id_token and "
            f"customer_certificate (with its serial_number); got {named or 'none'}"
        )
    if request.HasField("customer_certificate") and certificate.hash_algorithm not in (
        "SHA256",
        "SHA384",
        "SHA512",
    ):
        raise InvalidReport(
            "customer_certificate.hash_algorithm must be SHA256, SHA384 or SHA512, got "
            f"{certificate.hash_algorithm!r}"
        )
    return {
        "report": request.report,
        "clear": request.clear,
        "customer_identifier": bounded_text(
            "customer_identifier", request.customer_identifier, CUSTOMER_IDENTIFIER_MAX_LENGTH
        ),
        "id_token": bounded_text("id_token", request.id_token, 36),
        "id_token_type": request.id_token_type if request.id_token else "",
        "customer_certificate": {
            "hash_algorithm": certificate.hash_algorithm,
            "issuer_name_hash": certificate.issuer_name_hash,
            "issuer_key_hash": certificate.issuer_key_hash,
            "serial_number": certificate.serial_number,
        }
        if certificate.serial_number
        else None,
    }


def customer_information_to_proto(found: RequestWithReports) -> pb.CustomerInformation:
    request, details = found.request, found.request.details
    assembled = found.assembled()
    certificate = details.get("customer_certificate")
    return pb.CustomerInformation(
        charge_point_id=request.charge_point_id,
        request_id=request.request_id,
        report=details.get("report", False),
        clear=details.get("clear", False),
        customer_identifier=details.get("customer_identifier", ""),
        id_token=details.get("id_token", ""),
        id_token_type=details.get("id_token_type", ""),
        customer_certificate=pb.CustomerCertificate(**certificate) if certificate else None,
        requested_by=request.requested_by,
        requested_at=to_timestamp(request.requested_at),
        answer=request.answer,
        error=request.error,
        data=assembled.data,
        parts=assembled.parts,
        complete=assembled.complete,
        generated_at=to_timestamp(assembled.generated_at),
    )


def customer_part_from_proto(
    request: pb.RecordCustomerInformationRequest,
) -> Callable[[datetime], RequestReport]:
    if request.seq_no < 0:
        raise InvalidReport(f"seq_no must be 0 or more, got {request.seq_no}")
    data = bounded_text("data", request.data, DATA_MAX_LENGTH)
    generated_at = (
        from_timestamp(request.generated_at) if request.HasField("generated_at") else None
    )

    def part(now: datetime) -> RequestReport:
        return RequestReport(
            received_at=now,
            seq_no=request.seq_no,
            data=data,
            tbc=request.tbc,
            generated_at=generated_at,
        )

    return part


def display_message_from_proto(message: Message) -> DisplayMessage:
    return DisplayMessage(
        id=message.id,
        priority=enum_name(Message.Priority, message.priority),
        state=enum_name(Message.State, message.state),
        start_time=from_timestamp(message.start_time) if message.HasField("start_time") else None,
        end_time=from_timestamp(message.end_time) if message.HasField("end_time") else None,
        transaction_id=message.transaction_id,
        content=message.message.content,
        format=enum_name(Content.Format, message.message.format) or "UTF8",
        language=message.message.language,
        display_component=message.display_component,
        display_component_instance=message.display_component_instance,
    )


def display_message_to_proto(message: DisplayMessage) -> Message:
    return Message(
        id=message.id,
        priority=enum_number(Message.Priority, message.priority),
        state=enum_number(Message.State, message.state),
        start_time=to_timestamp(message.start_time),
        end_time=to_timestamp(message.end_time),
        transaction_id=message.transaction_id,
        message=Content(
            format=enum_number(Content.Format, message.format),
            language=message.language,
            content=message.content,
        ),
        display_component=message.display_component,
        display_component_instance=message.display_component_instance,
    )
