"""Translation between ``csms.auth.v1`` Plug & Charge messages
(``contract_certificates.proto``) and :mod:`auth_svc.domain.contract_certificate` values,
for the Authorize of AuthService and for ContractCertificateService."""

from __future__ import annotations

from auth_svc.domain.certificate_chain_status import Source, StatusAnswer, StatusQuery
from auth_svc.domain.contract_certificate import (
    CertificateId,
    CertificateStatus,
    Check,
    ContractCertificate,
    Revocation,
)
from auth_svc.errors import InvalidRequest
from csms.auth.v1 import contract_certificates_pb2 as pb
from servicekit.timestamps import to_timestamp

_Action = pb.GetEvContractCertificateRequest.Action
# Get15118EVCertificateRequest.action's OCPP words.
_ACTIONS = {_Action.INSTALL: "Install", _Action.UPDATE: "Update"}


def certificate_id_from_proto(message: pb.OcspRequestData) -> CertificateId:
    return CertificateId(
        hash_algorithm=message.hash_algorithm,
        issuer_name_hash=message.issuer_name_hash,
        issuer_key_hash=message.issuer_key_hash,
        serial_number=message.serial_number,
        responder_url=message.responder_url,
    )


def contract_from_proto(message: pb.ContractCertificate) -> ContractCertificate:
    return ContractCertificate(
        hash_data=tuple(certificate_id_from_proto(entry) for entry in message.hash_data),
        certificate_chain=message.certificate_chain,
    )


def certificate_status_to_proto(
    status: CertificateStatus,
) -> pb.ContractCertificateStatus.ValueType:
    return pb.ContractCertificateStatus.Value(status.name)


def action_from_proto(value: pb.GetEvContractCertificateRequest.Action.ValueType) -> str:
    """An unnamed action reaches the use case as itself, which refuses it by name."""
    return _ACTIONS.get(value, str(value))


def check_to_proto(check: Check) -> pb.ContractCertificateCheck:
    return pb.ContractCertificateCheck(
        charge_point_id=check.charge_point_id,
        action=check.action,
        id_tag=check.id_tag,
        serial_number=check.serial_number,
        status=check.status,
        reason=check.reason,
        checked_at=to_timestamp(check.checked_at),
    )


def status_query_from_proto(message: pb.CertificateStatusQuery) -> StatusQuery:
    if message.source not in (pb.OCSP, pb.CRL):
        raise InvalidRequest(f"source {message.source} is not OCSP or CRL")
    return StatusQuery(
        certificate=certificate_id_from_proto(message.certificate),
        source=Source.OCSP if message.source == pb.OCSP else Source.CRL,
        urls=tuple(message.urls),
    )


_ANSWER = pb.CertificateStatusAnswer
_REVOCATION = {
    Revocation.GOOD: _ANSWER.GOOD,
    Revocation.REVOKED: _ANSWER.REVOKED,
    Revocation.UNKNOWN: _ANSWER.UNKNOWN,
}


def status_answer_to_proto(
    answer: StatusAnswer, query: pb.CertificateStatusQuery
) -> pb.CertificateStatusAnswer:
    return _ANSWER(
        query=query,
        status=_ANSWER.FAILED if answer.revocation is None else _REVOCATION[answer.revocation],
        next_update=to_timestamp(answer.next_update),
        reason=answer.reason,
    )
