"""OCPP 2.x SignCertificate and CertificateSigned (2.0.1 A02/A03; 2.1 adds an optional
requestId, echoed): the station's CSR to the CA's request, the CA's decision to the
answer, and the signed chain to the call that delivers it. Pure, shared by 2.0.1 and 2.1
through :class:`~edge.v201.translate.Vocabulary`; the flow is in
:mod:`edge.certificate_signing`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csms.auth.v1 import certificates_pb2
from edge.v201.translate import Vocabulary

SignRequest = certificates_pb2.SignChargePointCertificateRequest
SignResponse = certificates_pb2.SignChargePointCertificateResponse

# CertificateSigningUseEnumType: what the station asks a certificate for. An omitted type
# is a charging station certificate (A02); the V2G ones (2.1 adds V2G20Certificate) are
# signed by the V2G sub-CA the operator configures, or refused.
_USE = {
    "ChargingStationCertificate": SignRequest.CHARGE_POINT,
    "V2GCertificate": SignRequest.V2G,
    "V2G20Certificate": SignRequest.V2G,
}
CHARGING_STATION_CERTIFICATE = "ChargingStationCertificate"
# StatusInfoType of a refusal: reasonCode at most 20 characters; additionalInfo at most 512
# in 2.0.1 (1024 in 2.1).
REFUSAL_REASON_CODE = "InvalidCSR"
ADDITIONAL_INFO_LENGTH = 512


def sign_certificate_request(charge_point_id: str, payload: Mapping[str, Any]) -> SignRequest:
    use = payload.get("certificate_type", CHARGING_STATION_CERTIFICATE)
    return SignRequest(charge_point_id=charge_point_id, csr=payload["csr"], use=_USE[use])


def sign_certificate_result(reply: SignResponse, words: Vocabulary) -> Any:
    """Rejected carries the CA's reason, so the station's log says what to fix."""
    if reply.status == SignResponse.SIGNED:
        return words.call_result.SignCertificate(status="Accepted")
    info = words.datatypes.StatusInfoType(
        reason_code=REFUSAL_REASON_CODE,
        additional_info=reply.reason[:ADDITIONAL_INFO_LENGTH] or None,
    )
    return words.call_result.SignCertificate(status="Rejected", status_info=info)


def certificate_signed_call(
    reply: SignResponse, payload: Mapping[str, Any], words: Vocabulary
) -> Any:
    """The chain, typed as the SignCertificate asked (A02/A03: a charging station or a
    V2G certificate); a 2.1 requestId of the SignCertificate is repeated so the station
    can match the two."""
    fields: dict[str, Any] = {
        "certificate_chain": reply.certificate_chain,
        "certificate_type": payload.get("certificate_type", CHARGING_STATION_CERTIFICATE),
    }
    if payload.get("request_id") is not None:
        fields["request_id"] = payload["request_id"]
    return words.call.CertificateSigned(**fields)
