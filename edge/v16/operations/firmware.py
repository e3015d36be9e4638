"""OCPP 1.6 Firmware Management profile (OCPP 1.6 §5.9, §5.19): firmware updates and
diagnostics uploads. Progress arrives later as status notifications. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call

from csms.edge.v1 import operations_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import moment, optional_count, required, required_moment


def update_request(request: operations_pb2.UpdateFirmwareRequest) -> call.UpdateFirmware:
    """retrieveDate is required in 1.6: the time after which the station may download."""
    return call.UpdateFirmware(
        location=required(request.location, "location"),
        retrieve_date=required_moment(request, "retrieve_at", "retrieve_at"),
        retries=optional_count(request.retries, "retries"),
        retry_interval=optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    )


def update_answer(_answer: Any) -> operations_pb2.UpdateFirmwareResponse:
    return operations_pb2.UpdateFirmwareResponse()


def diagnostics_request(request: operations_pb2.GetDiagnosticsRequest) -> call.GetDiagnostics:
    """OCPP 1.6 §5.9 uploads the diagnostics log; a security log is OCPP 2.x GetLog (N01),
    refused here rather than answered with the diagnostics instead."""
    if request.log_type == operations_pb2.GetDiagnosticsRequest.SECURITY:
        raise InvalidRequest(
            "log_type SECURITY needs an OCPP 2.x station; OCPP 1.6 GetDiagnostics uploads "
            "the diagnostics log only"
        )
    return call.GetDiagnostics(
        location=required(request.location, "location"),
        retries=optional_count(request.retries, "retries"),
        retry_interval=optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
        start_time=moment(request, "start_time"),
        stop_time=moment(request, "stop_time"),
    )


def diagnostics_answer(answer: Any) -> operations_pb2.GetDiagnosticsResponse:
    """No fileName: the station has no diagnostics to upload (OCPP 1.6 §6.20)."""
    return operations_pb2.GetDiagnosticsResponse(file_name=answer.file_name or "")
