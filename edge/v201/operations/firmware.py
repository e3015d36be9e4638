"""OCPP 2.x firmware update (L01) and log upload (N01, the 1.6 GetDiagnostics). Each
carries a request id the station repeats in its status notifications. Pure."""

from __future__ import annotations

from csms.edge.v1 import operations_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.v16.operations.fields import choice, moment, optional_count, required, required_moment
from edge.v201.operations.fields import Kwargs

Diagnostics = operations_pb2.GetDiagnosticsRequest

# OCPP 2.0.1 LogEnumType; unspecified is the diagnostics log, the API's default.
_LOG_TYPE = {
    Diagnostics.LOG_TYPE_UNSPECIFIED: "DiagnosticsLog",
    Diagnostics.DIAGNOSTICS: "DiagnosticsLog",
    Diagnostics.SECURITY: "SecurityLog",
}


def update_request(resolved: Resolved) -> Kwargs:
    request: operations_pb2.UpdateFirmwareRequest = resolved.request
    return {
        "request_id": resolved.request_id,
        "firmware": {
            "location": required(request.location, "location"),
            "retrieve_date_time": required_moment(request, "retrieve_at", "retrieve_at"),
        },
        "retries": optional_count(request.retries, "retries"),
        "retry_interval": optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    }


def update_answer(reply: Reply) -> operations_pb2.UpdateFirmwareResponse:
    """UpdateFirmwareStatusEnumType as the station wrote it."""
    return operations_pb2.UpdateFirmwareResponse(status=reply.payload.status)


def log_request(resolved: Resolved) -> Kwargs:
    request: Diagnostics = resolved.request
    return {
        "log_type": choice(request.log_type, _LOG_TYPE, "log_type", Diagnostics.LogType.DESCRIPTOR),
        "request_id": resolved.request_id,
        "log": {
            "remote_location": required(request.location, "location"),
            "oldest_timestamp": moment(request, "start_time"),
            "latest_timestamp": moment(request, "stop_time"),
        },
        "retries": optional_count(request.retries, "retries"),
        "retry_interval": optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    }


def log_answer(reply: Reply) -> operations_pb2.GetDiagnosticsResponse:
    """LogStatusEnumType as the station wrote it; no filename: nothing to upload."""
    answer = reply.payload
    return operations_pb2.GetDiagnosticsResponse(
        status=answer.status, file_name=answer.filename or ""
    )
