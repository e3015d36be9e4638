"""Signed firmware updates: the OCPP 1.6 security extension's SignedUpdateFirmware (1.6
security whitepaper edition 2, "Secure firmware update"), which OCPP 2.0.1 made its
UpdateFirmware (L01). The request is checked here, before it leaves, so that an operator
gets a 400 naming the field instead of a station's bare Rejected or InvalidCertificate.
Pure.

:func:`firmware` builds FirmwareType, the same in 1.6 and 2.x; the 2.x translators
(``edge.v201.operations.signed_firmware``) reuse it.
"""

from __future__ import annotations

import binascii
from typing import Any

from ocpp.v16 import call

from csms.edge.v1 import firmware_pb2
from edge.operations.dispatcher import Lookups, Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v16.operations.certificates import pem_certificate
from edge.v16.operations.fields import moment, optional_count, required, required_moment

# FirmwareType widths (1.6 security extension and 2.0.1 schemas alike).
LOCATION_MAX_LENGTH = 512
CERTIFICATE_MAX_LENGTH = 5500
SIGNATURE_MAX_LENGTH = 800


def bounded(text: str, field: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidRequest(f"{field} is {len(text)} characters long; OCPP allows at most {limit}")
    return text


def base64_text(text: str, field: str) -> str:
    """Standard base64 with its padding, as the station decodes it."""
    required(text, field)
    try:
        binascii.a2b_base64(text.encode(), strict_mode=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(
            f"{field} must be base64 (A-Z, a-z, 0-9, +, / and = padding), as OCPP FirmwareType "
            "signature is"
        ) from None
    return text


def firmware(request: firmware_pb2.UpdateSignedFirmwareRequest) -> dict[str, Any]:
    """FirmwareType as keyword arguments, every field checked: the location, the two
    moments, the signing certificate (a PEM X.509 certificate) and the signature
    (base64); signed means both are required."""
    certificate = bounded(
        request.signing_certificate, "signing_certificate", CERTIFICATE_MAX_LENGTH
    )
    signature = bounded(request.signature, "signature", SIGNATURE_MAX_LENGTH)
    return {
        "location": bounded(
            required(request.location, "location"), "location", LOCATION_MAX_LENGTH
        ),
        "retrieve_date_time": required_moment(request, "retrieve_at", "retrieve_at"),
        "install_date_time": moment(request, "install_at"),
        "signing_certificate": pem_certificate(certificate, "signing_certificate"),
        "signature": base64_text(signature, "signature"),
    }


async def request_id(request: Any, lookups: Lookups) -> Resolved:
    """The caller's request id when it gave one (> 0), else a fresh one."""
    given = request.request_id
    if given < 0:
        raise InvalidRequest(f"request_id must be 0 (the CSMS chooses) or more, got {given}")
    return Resolved(request, request_id=given if given > 0 else lookups.request_id())


def update_request(resolved: Resolved) -> call.SignedUpdateFirmware:
    request: firmware_pb2.UpdateSignedFirmwareRequest = resolved.request
    return call.SignedUpdateFirmware(
        request_id=resolved.request_id,
        firmware=firmware(request),
        retries=optional_count(request.retries, "retries"),
        retry_interval=optional_count(request.retry_interval_seconds, "retry_interval_seconds"),
    )


def update_answer(reply: Reply) -> firmware_pb2.UpdateSignedFirmwareResponse:
    """UpdateFirmwareStatusEnumType as the station wrote it, and the request id it will
    repeat in SignedFirmwareStatusNotification."""
    return firmware_pb2.UpdateSignedFirmwareResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )
