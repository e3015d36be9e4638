"""ISO 15118 Plug & Charge messages of OCPP 2.x, translated to auth_svc's
``contract_certificates.proto`` and back (OCPP 2.0.1 C07 Authorize with a contract
certificate, M06 GetCertificateStatus, M01/M02 Get15118EVCertificate). Pure, shared by
2.0.1 and 2.1 through :class:`~edge.v201.translate.Vocabulary` (2.1's added optional
fields, e.g. ``prioritizedEMAIDs``, are not used). auth_svc makes the outside calls."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from csms.auth.v1 import auth_pb2
from csms.auth.v1 import contract_certificates_pb2 as pb
from edge.v201.values import format_timestamp

if TYPE_CHECKING:  # edge.v201.translate imports this module
    from edge.v201.translate import Vocabulary

Payload = Mapping[str, Any]

# AuthorizeCertificateStatusEnumType, the same in 2.0.1 and 2.1.
_CERTIFICATE_STATUS = {
    pb.ACCEPTED: "Accepted",
    pb.SIGNATURE_ERROR: "SignatureError",
    pb.CERTIFICATE_EXPIRED: "CertificateExpired",
    pb.CERTIFICATE_REVOKED: "CertificateRevoked",
    pb.NO_CERTIFICATE_AVAILABLE: "NoCertificateAvailable",
    pb.CERT_CHAIN_ERROR: "CertChainError",
    pb.CONTRACT_CANCELLED: "ContractCancelled",
}
_ACTION = {
    "Install": pb.GetEvContractCertificateRequest.INSTALL,
    "Update": pb.GetEvContractCertificateRequest.UPDATE,
}
# StatusInfoType: reasonCode at most 20 characters, additionalInfo at most 512 (2.0.1).
FAILED_REASON_CODE = "Unavailable"
ADDITIONAL_INFO_LENGTH = 512


def ocsp_request_data(entry: Payload) -> pb.OcspRequestData:
    return pb.OcspRequestData(
        hash_algorithm=entry["hash_algorithm"],
        issuer_name_hash=entry["issuer_name_hash"],
        issuer_key_hash=entry["issuer_key_hash"],
        serial_number=entry["serial_number"],
        responder_url=entry["responder_url"],
    )


def contract_certificate(payload: Payload) -> pb.ContractCertificate | None:
    """What Authorize carries of the EV's contract certificate, None when nothing."""
    hash_data = payload.get("iso15118_certificate_hash_data") or []
    chain = payload.get("certificate") or ""
    if not hash_data and not chain:
        return None
    return pb.ContractCertificate(
        hash_data=[ocsp_request_data(entry) for entry in hash_data], certificate_chain=chain
    )


def certificate_status(reply: auth_pb2.AuthorizeResponse) -> str | None:
    """AuthorizeResponse.certificateStatus, only when a certificate was checked."""
    return _CERTIFICATE_STATUS.get(reply.certificate_status)


def certificate_status_request(
    charge_point_id: str, payload: Payload
) -> pb.GetCertificateStatusRequest:
    return pb.GetCertificateStatusRequest(
        charge_point_id=charge_point_id,
        ocsp_request_data=ocsp_request_data(payload["ocsp_request_data"]),
    )


def certificate_status_result(reply: pb.GetCertificateStatusResponse, words: Vocabulary) -> Any:
    """Accepted with the DER OCSPResponse in base64 (M06); Failed says why."""
    if reply.status == pb.GetCertificateStatusResponse.ACCEPTED:
        return words.call_result.GetCertificateStatus(
            status="Accepted", ocsp_result=base64.b64encode(reply.ocsp_response).decode()
        )
    return words.call_result.GetCertificateStatus(
        status="Failed", status_info=_failed(reply.reason, words)
    )


def ev_certificate_request(
    charge_point_id: str, payload: Payload
) -> pb.GetEvContractCertificateRequest:
    return pb.GetEvContractCertificateRequest(
        charge_point_id=charge_point_id,
        iso15118_schema_version=payload["iso15118_schema_version"],
        action=_ACTION[payload["action"]],
        exi_request=payload["exi_request"],
    )


def ev_certificate_result(reply: pb.GetEvContractCertificateResponse, words: Vocabulary) -> Any:
    """Accepted with the service's EXI response (M01/M02). exiResponse is required even
    when Failed: empty then."""
    if reply.status == pb.GetEvContractCertificateResponse.ACCEPTED:
        return words.call_result.Get15118EVCertificate(
            status="Accepted", exi_response=reply.exi_response
        )
    return words.call_result.Get15118EVCertificate(
        status="Failed", exi_response="", status_info=_failed(reply.reason, words)
    )


def _failed(reason: str, words: Vocabulary) -> Any:
    return words.datatypes.StatusInfoType(
        reason_code=FAILED_REASON_CODE, additional_info=reason[:ADDITIONAL_INFO_LENGTH] or None
    )


# --- OCPP 2.1 GetCertificateChainStatus ----------------------------------------------------

_SOURCE = {"OCSP": pb.OCSP, "CRL": pb.CRL}
_SOURCE_WORD = {pb.OCSP: "OCSP", pb.CRL: "CRL"}
_ANSWER = pb.CertificateStatusAnswer
_ANSWER_WORD = {
    _ANSWER.GOOD: "Good",
    _ANSWER.REVOKED: "Revoked",
    _ANSWER.UNKNOWN: "Unknown",
    _ANSWER.FAILED: "Failed",
}


def chain_status_request(
    charge_point_id: str, payload: Payload
) -> pb.GetCertificateChainStatusRequest:
    queries = []
    for entry in payload["certificate_status_requests"]:
        hash_data = entry["certificate_hash_data"]
        queries.append(
            pb.CertificateStatusQuery(
                certificate=pb.OcspRequestData(
                    hash_algorithm=hash_data["hash_algorithm"],
                    issuer_name_hash=hash_data["issuer_name_hash"],
                    issuer_key_hash=hash_data["issuer_key_hash"],
                    serial_number=hash_data["serial_number"],
                ),
                source=_SOURCE[entry["source"]],
                urls=entry["urls"],
            )
        )
    return pb.GetCertificateChainStatusRequest(charge_point_id=charge_point_id, queries=queries)


def chain_status_result(reply: pb.GetCertificateChainStatusResponse, words: Vocabulary) -> Any:
    """One CertificateStatusType per request entry, in order; Failed ones say nothing more
    (the type has no statusInfo): the CSMS logs why."""
    statuses = [
        words.datatypes.CertificateStatusType(
            certificate_hash_data={
                "hash_algorithm": answer.query.certificate.hash_algorithm,
                "issuer_name_hash": answer.query.certificate.issuer_name_hash,
                "issuer_key_hash": answer.query.certificate.issuer_key_hash,
                "serial_number": answer.query.certificate.serial_number,
            },
            source=_SOURCE_WORD[answer.query.source],
            status=_ANSWER_WORD[answer.status],
            next_update=format_timestamp(answer.next_update),
        )
        for answer in reply.answers
    ]
    return words.call_result.GetCertificateChainStatus(certificate_status=statuses)
