"""The CertificateAuthorityService gRPC servicer: protobuf in, the signing decision,
protobuf out. A second service of auth_svc's server, beside AuthService, so the CA key
stays in this process (see ``proto/csms/auth/v1/certificates.proto``)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import grpc

from auth_svc.certificate_signing import CertificateSigning, Refused, Use
from auth_svc.errors import InvalidRequest
from csms.auth.v1 import certificates_pb2, certificates_pb2_grpc
from servicekit.grpc_server import Registration
from servicekit.pki import ensure_authority
from servicekit.security_settings import SecuritySettings, SettingsError

LOG = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]

_Request = certificates_pb2.SignChargePointCertificateRequest
_Response = certificates_pb2.SignChargePointCertificateResponse

SERVICE_NAME = certificates_pb2.DESCRIPTOR.services_by_name["CertificateAuthorityService"].full_name


class CertificateAuthorityServicer(certificates_pb2_grpc.CertificateAuthorityServiceServicer):
    def __init__(self, signing: CertificateSigning) -> None:
        self._signing = signing

    async def SignChargePointCertificate(
        self, request: certificates_pb2.SignChargePointCertificateRequest, context: Context
    ) -> certificates_pb2.SignChargePointCertificateResponse:
        use = use_from_proto(request.use)
        outcome = await asyncio.to_thread(
            self._signing.sign, request.charge_point_id, request.csr, use
        )
        if isinstance(outcome, Refused):
            return _Response(status=_Response.REJECTED, reason=outcome.reason)
        return _Response(status=_Response.SIGNED, certificate_chain=outcome.chain)


def use_from_proto(value: certificates_pb2.SignChargePointCertificateRequest.Use.ValueType) -> Use:
    """USE_UNSPECIFIED is CHARGE_POINT: OCPP 1.6 has no other use."""
    if value in (_Request.USE_UNSPECIFIED, _Request.CHARGE_POINT):
        return Use.CHARGE_POINT
    if value == _Request.V2G:
        return Use.V2G
    raise InvalidRequest(f"use {value} is not CHARGE_POINT or V2G")


async def certificate_authority(security: SecuritySettings) -> Registration:
    """The servicer's registration, with the CSMS CA loaded from ``CSMS_CA_CERT`` and
    ``CSMS_CA_KEY`` (created there first when neither file exists: embedded mode).
    :class:`SettingsError` when they cannot be read."""
    try:
        authority = await asyncio.to_thread(ensure_authority, security.ca_cert, security.ca_key)
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"the CSMS CA cannot be loaded from CSMS_CA_CERT={security.ca_cert} and "
            f"CSMS_CA_KEY={security.ca_key} (both files, or neither to create a new CA): "
            f"{error}"
        ) from error
    LOG.info("certificate authority loaded from %s", security.ca_cert)
    servicer = CertificateAuthorityServicer(
        CertificateSigning(authority, security.station_cert_days)
    )
    return Registration(
        servicer,
        certificates_pb2_grpc.add_CertificateAuthorityServiceServicer_to_server,
        SERVICE_NAME,
    )
