"""OCPP 2.x certificate management the CSMS drives: InstallCertificate (M05),
DeleteCertificate (M04), GetInstalledCertificateIds (M03). Pure: protobuf request ->
call keyword arguments, ``call_result`` -> response.

The API's certificate types cover every version's; one a version lacks (OEM_ROOT before
2.1) is refused by the dispatcher's schema check, naming the types that version has.
"""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import certificates_pb2
from edge.v16.operations.certificates import (
    DELETE_STATUS,
    IDS_STATUS,
    INSTALL_STATUS,
    hash_data,
    hash_data_answer,
    pem_certificate,
)
from edge.v16.operations.fields import choice
from edge.v201.operations.fields import Kwargs, mapped

Installed = certificates_pb2.InstalledCertificate

# InstallCertificateUseEnumType (2.1 adds OEMRootCertificate).
_INSTALL_USE = {
    Installed.CSMS_ROOT: "CSMSRootCertificate",
    Installed.MANUFACTURER_ROOT: "ManufacturerRootCertificate",
    Installed.V2G_ROOT: "V2GRootCertificate",
    Installed.MO_ROOT: "MORootCertificate",
    Installed.OEM_ROOT: "OEMRootCertificate",
}

# GetCertificateIdUseEnumType: the roots, and the station's own V2G chain.
_ID_USE = {**_INSTALL_USE, Installed.V2G_CERTIFICATE_CHAIN: "V2GCertificateChain"}
_ID_USE_ANSWER = {text: value for value, text in _ID_USE.items()}


def install_request(request: certificates_pb2.InstallCertificateRequest) -> Kwargs:
    return {
        "certificate_type": choice(
            request.certificate_type, _INSTALL_USE, "certificate_type", Installed.Type.DESCRIPTOR
        ),
        "certificate": pem_certificate(request.certificate, "certificate"),
    }


def install_answer(answer: Any) -> certificates_pb2.InstallCertificateResponse:
    return certificates_pb2.InstallCertificateResponse(
        status=mapped(INSTALL_STATUS, answer.status, "status")
    )


def delete_request(request: certificates_pb2.DeleteCertificateRequest) -> Kwargs:
    return {
        "certificate_hash_data": hash_data(request.certificate_hash_data, "certificate_hash_data")
    }


def delete_answer(answer: Any) -> certificates_pb2.DeleteCertificateResponse:
    return certificates_pb2.DeleteCertificateResponse(
        status=mapped(DELETE_STATUS, answer.status, "status")
    )


def installed_ids_request(request: certificates_pb2.GetInstalledCertificateIdsRequest) -> Kwargs:
    """No types: every certificate the station holds (M03), so the field is omitted."""
    types = [
        choice(kind, _ID_USE, f"certificate_types[{index}]", Installed.Type.DESCRIPTOR)
        for index, kind in enumerate(request.certificate_types)
    ]
    return {"certificate_type": types or None}


def installed_ids_answer(answer: Any) -> certificates_pb2.GetInstalledCertificateIdsResponse:
    return certificates_pb2.GetInstalledCertificateIdsResponse(
        status=mapped(IDS_STATUS, answer.status, "status"),
        certificates=[
            Installed(
                certificate_type=mapped(
                    _ID_USE_ANSWER, chain["certificate_type"], "certificateType"
                ),
                certificate_hash_data=hash_data_answer(chain["certificate_hash_data"]),
                child_certificate_hash_data=[
                    hash_data_answer(child)
                    for child in chain.get("child_certificate_hash_data") or []
                ],
            )
            for chain in answer.certificate_hash_data_chain or []
        ],
    )
