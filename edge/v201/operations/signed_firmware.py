"""OCPP 2.x UpdateFirmware with a signed image (2.0.1 L01: signingCertificate and
signature, which the station verifies, L01.FR.03-04) and the Local Controller's firmware
publication (L03 PublishFirmware, L04 UnpublishFirmware). Each PublishFirmware carries a
request id the Local Controller repeats in PublishFirmwareStatusNotification. Pure."""

from __future__ import annotations

import string
from typing import Any

from csms.edge.v1 import firmware_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import optional_count, required
from edge.v16.operations.signed_firmware import LOCATION_MAX_LENGTH, bounded, firmware
from edge.v201.operations.fields import Kwargs

# PublishFirmwareRequest.checksum: "the MD5 checksum over the entire firmware file as a
# hexadecimal string of length 32".
MD5_HEX_LENGTH = 32


def md5_checksum(text: str, field: str = "checksum") -> str:
    required(text, field)
    if len(text) != MD5_HEX_LENGTH or any(c not in string.hexdigits for c in text):
        raise InvalidRequest(
            f"{field} must be an MD5 checksum: {MD5_HEX_LENGTH} hexadecimal digits, "
            f"got {len(text)} characters"
        )
    return text


def update_request(resolved: Resolved) -> Kwargs:
    request: firmware_pb2.UpdateSignedFirmwareRequest = resolved.request
    return {
        "request_id": resolved.request_id,
        "firmware": firmware(request),
        "retries": optional_count(request.retries, "retries"),
        "retry_interval": optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    }


def update_answer(reply: Reply) -> firmware_pb2.UpdateSignedFirmwareResponse:
    """UpdateFirmwareStatusEnumType as the station wrote it, with the request id it will
    repeat in FirmwareStatusNotification (L01.FR.01)."""
    return firmware_pb2.UpdateSignedFirmwareResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )


def publish_request(resolved: Resolved) -> Kwargs:
    request: firmware_pb2.PublishFirmwareRequest = resolved.request
    location = required(request.location, "location")
    return {
        "location": bounded(location, "location", LOCATION_MAX_LENGTH),
        "checksum": md5_checksum(request.checksum),
        "request_id": resolved.request_id,
        "retries": optional_count(request.retries, "retries"),
        "retry_interval": optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    }


def publish_answer(reply: Reply) -> firmware_pb2.PublishFirmwareResponse:
    return firmware_pb2.PublishFirmwareResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )


def unpublish_request(request: firmware_pb2.UnpublishFirmwareRequest) -> Kwargs:
    return {"checksum": md5_checksum(request.checksum)}


def unpublish_answer(answer: Any) -> firmware_pb2.UnpublishFirmwareResponse:
    """UnpublishFirmwareStatusEnumType as the station wrote it."""
    return firmware_pb2.UnpublishFirmwareResponse(status=answer.status)
