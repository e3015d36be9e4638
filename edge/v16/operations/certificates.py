"""OCPP 1.6 security extension, certificate management the Central System drives (1.6
security whitepaper edition 2: InstallCertificate, DeleteCertificate,
GetInstalledCertificateIds). A 1.6 station keeps two roots only: the Central System's
(to verify the CSMS's TLS certificate) and the manufacturer's (to verify signed
firmware). Pure.

The helpers for certificates and hash data are shared with the 2.x translators
(``edge.v201.operations.certificates``): the hash data is the same in every version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography import x509
from ocpp.v16 import call

from csms.edge.v1 import certificates_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.v16.operations.fields import choice, required

Installed = certificates_pb2.InstalledCertificate
HashData = certificates_pb2.CertificateHashData

# CertificateUseEnumType.
_USE = {
    Installed.CSMS_ROOT: "CentralSystemRootCertificate",
    Installed.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
}

# HashAlgorithmEnumType (the same in 1.6 and 2.x).
HASH_ALGORITHM = {
    HashData.SHA256: "SHA256",
    HashData.SHA384: "SHA384",
    HashData.SHA512: "SHA512",
}
_HASH_ALGORITHM_ANSWER = {text: value for value, text in HASH_ALGORITHM.items()}

# CertificateStatusEnumType, DeleteCertificateStatusEnumType,
# GetInstalledCertificateStatusEnumType (2.x spells them the same).
INSTALL_STATUS = {
    "Accepted": certificates_pb2.InstallCertificateResponse.ACCEPTED,
    "Rejected": certificates_pb2.InstallCertificateResponse.REJECTED,
    "Failed": certificates_pb2.InstallCertificateResponse.FAILED,
}
DELETE_STATUS = {
    "Accepted": certificates_pb2.DeleteCertificateResponse.ACCEPTED,
    "Failed": certificates_pb2.DeleteCertificateResponse.FAILED,
    "NotFound": certificates_pb2.DeleteCertificateResponse.NOT_FOUND,
}
IDS_STATUS = {
    "Accepted": certificates_pb2.GetInstalledCertificateIdsResponse.ACCEPTED,
    "NotFound": certificates_pb2.GetInstalledCertificateIdsResponse.NOT_FOUND,
}


def pem_certificate(text: str, field: str) -> str:
    """A PEM X.509 certificate, refused here rather than by the station when it is not
    one (the station's answer would only say Rejected)."""
    required(text, field)
    try:
        x509.load_pem_x509_certificate(text.encode())
    except ValueError:
        raise InvalidRequest(
            f"{field} must be a PEM X.509 certificate (-----BEGIN CERTIFICATE-----...)"
        ) from None
    return text


def hash_data(message: HashData, field: str) -> dict[str, Any]:
    """CertificateHashDataType; the schema bounds the lengths."""
    return {
        "hash_algorithm": choice(
            message.hash_algorithm,
            HASH_ALGORITHM,
            f"{field}.hash_algorithm",
            HashData.HashAlgorithm.DESCRIPTOR,
        ),
        "issuer_name_hash": required(message.issuer_name_hash, f"{field}.issuer_name_hash"),
        "issuer_key_hash": required(message.issuer_key_hash, f"{field}.issuer_key_hash"),
        "serial_number": required(message.serial_number, f"{field}.serial_number"),
    }


def hash_data_answer(item: Mapping[str, Any]) -> HashData:
    algorithm = _HASH_ALGORITHM_ANSWER.get(item["hash_algorithm"])
    if algorithm is None:
        raise AnswerFault(f"hashAlgorithm {item['hash_algorithm']!r} is not one the API knows")
    return HashData(
        hash_algorithm=algorithm,
        issuer_name_hash=item["issuer_name_hash"],
        issuer_key_hash=item["issuer_key_hash"],
        serial_number=item["serial_number"],
    )


def install_request(
    request: certificates_pb2.InstallCertificateRequest,
) -> call.InstallCertificate:
    return call.InstallCertificate(
        certificate_type=choice(
            request.certificate_type, _USE, "certificate_type", Installed.Type.DESCRIPTOR
        ),
        certificate=pem_certificate(request.certificate, "certificate"),
    )


def install_answer(answer: Any) -> certificates_pb2.InstallCertificateResponse:
    return certificates_pb2.InstallCertificateResponse(status=INSTALL_STATUS[answer.status])


def delete_request(request: certificates_pb2.DeleteCertificateRequest) -> call.DeleteCertificate:
    return call.DeleteCertificate(
        certificate_hash_data=hash_data(request.certificate_hash_data, "certificate_hash_data")
    )


def delete_answer(answer: Any) -> certificates_pb2.DeleteCertificateResponse:
    return certificates_pb2.DeleteCertificateResponse(status=DELETE_STATUS[answer.status])


async def keep(request: Any, _lookups: Any) -> Resolved:
    """GetInstalledCertificateIds' resolve step: nothing to look up, but the answer needs
    the request (a 1.6 answer does not repeat the type it lists)."""
    return Resolved(request)


def installed_ids_request(resolved: Resolved) -> call.GetInstalledCertificateIds:
    """A 1.6 request names exactly one type."""
    request: certificates_pb2.GetInstalledCertificateIdsRequest = resolved.request
    if len(request.certificate_types) != 1:
        raise InvalidRequest(
            "certificate_types must name exactly one type in OCPP 1.6 (CSMS_ROOT or "
            f"MANUFACTURER_ROOT), got {len(request.certificate_types)}"
        )
    return call.GetInstalledCertificateIds(
        certificate_type=choice(
            request.certificate_types[0], _USE, "certificate_types[0]", Installed.Type.DESCRIPTOR
        )
    )


def installed_ids_answer(reply: Reply) -> certificates_pb2.GetInstalledCertificateIdsResponse:
    answer = reply.payload
    (kind,) = reply.resolved.request.certificate_types
    return certificates_pb2.GetInstalledCertificateIdsResponse(
        status=IDS_STATUS[answer.status],
        certificates=[
            Installed(certificate_type=kind, certificate_hash_data=hash_data_answer(item))
            for item in answer.certificate_hash_data or []
        ],
    )
