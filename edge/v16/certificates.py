"""OCPP 1.6 security extension, SignCertificate and CertificateSigned (1.6 security
whitepaper, "Installation of a Charge Point certificate"): the station's CSR to the CA's
request, the CA's decision to the answer, and the signed chain to the call that delivers
it. Pure; the flow is in :mod:`edge.certificate_signing`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ocpp.v16 import call, call_result

from csms.auth.v1 import certificates_pb2

SignRequest = certificates_pb2.SignChargePointCertificateRequest
SignResponse = certificates_pb2.SignChargePointCertificateResponse


def sign_certificate_request(charge_point_id: str, payload: Mapping[str, Any]) -> SignRequest:
    """A 1.6 CSR is always for the charge point's own (TLS client) certificate."""
    return SignRequest(
        charge_point_id=charge_point_id, csr=payload["csr"], use=SignRequest.CHARGE_POINT
    )


def sign_certificate_result(reply: SignResponse) -> call_result.SignCertificate:
    status = "Accepted" if reply.status == SignResponse.SIGNED else "Rejected"
    return call_result.SignCertificate(status=status)


def certificate_signed_call(reply: SignResponse) -> call.CertificateSigned:
    return call.CertificateSigned(certificate_chain=reply.certificate_chain)
