"""ISO 15118 Plug & Charge as a simulated OCPP 2.x station does it for its EV
(``csms-sim ... --plug-and-charge CONTRACT.pem``): it asks the CSMS for the EV's contract
certificate (Get15118EVCertificate, M01), for an OCSP response about the certificate it
holds (GetCertificateStatus, M06; in 2.1 also GetCertificateChainStatus), then authorizes
the EV's eMAID with the contract certificate's OCSP hash data (Authorize with
iso15118CertificateHashData, C07).

The file holds the EV's contract certificate, then the sub-CA that issued it (PEM): the
eMAID is the certificate's subject CN (ISO 15118-2), the hash data its RFC 6960 CertID,
and the responder its Authority Information Access OCSP URL. The EXI stream is a
placeholder: there is no EV behind the simulator."""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from simulator.v2.uplink import UplinkV2

EMAID = "eMAID"
SCHEMA_VERSION = "urn:iso:15118:2:2013:MsgDef"
# Stands for the EV's EXI CertificateInstallationReq; the CSMS passes it on unread.
EXI_REQUEST = base64.b64encode(b"csms-sim CertificateInstallationReq").decode()


class ContractFileError(ValueError):
    """The --plug-and-charge file cannot be used; the message says why."""


@dataclass(frozen=True)
class ContractCertificate:
    emaid: str
    hash_data: dict[str, str]
    """OCSPRequestDataType (snake_case, as the ``ocpp`` dataclasses take it)."""

    @classmethod
    def from_pem(cls, text: str) -> ContractCertificate:
        try:
            certificates = x509.load_pem_x509_certificates(text.encode())
        except ValueError as error:
            raise ContractFileError(f"not PEM certificates: {error}") from None
        if len(certificates) < 2:
            raise ContractFileError(
                "it must hold the contract certificate, then the sub-CA that issued it"
            )
        contract, issuer = certificates[0], certificates[1]
        names = contract.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if not names:
            raise ContractFileError("the contract certificate has no subject CN (the eMAID)")
        request = (
            ocsp.OCSPRequestBuilder().add_certificate(contract, issuer, hashes.SHA256()).build()
        )
        return cls(
            emaid=str(names[0].value),
            hash_data={
                "hash_algorithm": "SHA256",
                "issuer_name_hash": request.issuer_name_hash.hex(),
                "issuer_key_hash": request.issuer_key_hash.hex(),
                "serial_number": f"{request.serial_number:X}",
                "responder_url": _responder(contract),
            },
        )


def _responder(certificate: x509.Certificate) -> str:
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return ""
    for description in access.value:
        if description.access_method == AuthorityInformationAccessOID.OCSP:
            return str(description.access_location.value)
    return ""


async def prepare(uplink: UplinkV2, contract: ContractCertificate) -> None:
    """What the station asks before the EV authorizes: the EV's certificate (M01) and an
    OCSP response for it (M06). Failed answers are printed; the EV goes on with the
    contract it has."""
    request = uplink.calls.Get15118EVCertificate
    await uplink.link.send(
        request(
            action="Install",
            exi_request=EXI_REQUEST,
            **{_field(request, "iso15118_schema_version"): SCHEMA_VERSION},
        ),
        "action=Install",
        _status,
    )
    await uplink.link.send(
        uplink.calls.GetCertificateStatus(ocsp_request_data=contract.hash_data),
        f"serialNumber={contract.hash_data['serial_number']}",
        _status,
    )
    chain_status = getattr(uplink.calls, "GetCertificateChainStatus", None)
    if chain_status is not None and contract.hash_data["responder_url"]:
        # OCPP 2.1 only: the same certificate's status, from its OCSP responder.
        hash_data = {k: v for k, v in contract.hash_data.items() if k != "responder_url"}
        query = {
            "certificate_hash_data": hash_data,
            "source": "OCSP",
            "urls": [contract.hash_data["responder_url"]],
        }
        await uplink.link.send(
            chain_status(certificate_status_requests=[query]),
            f"serialNumber={hash_data['serial_number']} source=OCSP",
            lambda r: ", ".join(status["status"] for status in r.certificate_status),
        )


async def authorize(uplink: UplinkV2, contract: ContractCertificate) -> tuple[str, str]:
    """Authorize the eMAID with the contract certificate's hash data (C07): the id token's
    status and the certificate's."""
    request = uplink.calls.Authorize
    result = await uplink.link.send(
        request(
            id_token={"id_token": contract.emaid, "type": EMAID},
            **{_field(request, "iso15118_certificate_hash_data"): [contract.hash_data]},
        ),
        f"idToken={contract.emaid} (eMAID) with certificate hash data",
        lambda r: f"{r.id_token_info['status']} certificateStatus={r.certificate_status}",
    )
    return str(result.id_token_info["status"]), str(result.certificate_status)


def _field(message: type, name: str) -> str:
    """``name`` as the version's dataclass spells it: ``ocpp.v21`` writes ``iso_15118_...``
    where ``ocpp.v201`` writes ``iso15118_...`` (both serialize to ``iso15118...``)."""
    names = {field.name for field in dataclasses.fields(message)}
    spelled = name.replace("iso15118_", "iso_15118_")
    return name if name in names else spelled


def _status(result: Any) -> str:
    info = result.status_info or {}
    reason = info.get("additional_info") or info.get("reason_code")
    return f"{result.status}" + (f" ({reason})" if reason else "")
