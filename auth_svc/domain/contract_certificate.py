"""An EV's ISO 15118 contract certificate and what the CSMS decides about it (OCPP 2.0.1
C07 "Authorization using Contract Certificates", M06 "Get V2G Charging Station Certificate
status").

A station presents the contract certificate with Authorize either as OCSP hash data
(``iso15118CertificateHashData``: the RFC 6960 CertID of the certificate and of each
sub-CA) or as the PEM chain itself (``certificate``). The CSMS verifies a chain against
the configured V2G/mobility operator roots, then asks each certificate's OCSP responder.
The outcome is an ``AuthorizeCertificateStatusEnumType`` value; anything but Accepted keeps
the identifier from being accepted (:func:`with_certificate`), so a revoked, unknown or
unverifiable contract never charges.

Pure: OCSP requests and responses are built and read here; posting them is the
:class:`~auth_svc.ports.OcspResponder` adapter's.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from auth_svc.domain.id_tag import AuthorizationStatus, IdTokenInfo
from auth_svc.domain.ocsp_signer import is_issuer, issued_by, signed_by_issuer
from auth_svc.errors import InvalidRequest

# OCPP HashAlgorithmEnumType (2.1 has the same three).
HASH_ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}


class CertificateStatus(enum.Enum):
    """OCPP 2.0.1 AuthorizeCertificateStatusEnumType."""

    ACCEPTED = "ACCEPTED"
    SIGNATURE_ERROR = "SIGNATURE_ERROR"
    CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED"
    CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED"
    NO_CERTIFICATE_AVAILABLE = "NO_CERTIFICATE_AVAILABLE"
    CERT_CHAIN_ERROR = "CERT_CHAIN_ERROR"
    CONTRACT_CANCELLED = "CONTRACT_CANCELLED"


class Revocation(enum.Enum):
    """What an OCSP responder says of one certificate (RFC 6960 §2.2)."""

    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class OcspResponseError(ValueError):
    """An OCSP response that cannot be believed; the message says why."""


@dataclass(frozen=True)
class CertificateId:
    """OCPP OCSPRequestDataType: one certificate as OCSP names it (hex hashes and serial)."""

    hash_algorithm: str
    issuer_name_hash: str
    issuer_key_hash: str
    serial_number: str
    responder_url: str


@dataclass(frozen=True)
class ContractCertificate:
    """What Authorize carried: hash data, a PEM chain (contract certificate first), or both."""

    hash_data: tuple[CertificateId, ...]
    certificate_chain: str


@dataclass(frozen=True)
class CheckedChain:
    """A chain that verified up to a trusted root: each certificate with its issuer."""

    pairs: tuple[tuple[x509.Certificate, x509.Certificate], ...]


@dataclass(frozen=True)
class Check:
    """One Plug & Charge request of a station and the CSMS's answer, as recorded for the
    operator: ``action`` is the OCPP action, ``status`` the answer's OCPP word
    (certificateStatus of Authorize, Accepted or Failed otherwise), ``reason`` why it failed."""

    charge_point_id: str
    action: str
    id_tag: str
    serial_number: str
    status: str
    reason: str
    checked_at: datetime


# The OCPP words of CertificateStatus (AuthorizeCertificateStatusEnumType).
STATUS_WORDS = {
    CertificateStatus.ACCEPTED: "Accepted",
    CertificateStatus.SIGNATURE_ERROR: "SignatureError",
    CertificateStatus.CERTIFICATE_EXPIRED: "CertificateExpired",
    CertificateStatus.CERTIFICATE_REVOKED: "CertificateRevoked",
    CertificateStatus.NO_CERTIFICATE_AVAILABLE: "NoCertificateAvailable",
    CertificateStatus.CERT_CHAIN_ERROR: "CertChainError",
    CertificateStatus.CONTRACT_CANCELLED: "ContractCancelled",
}
# Column widths of the record (alembic/auth/versions/0006_contract_certificates.py).
REASON_LENGTH = 512
SERIAL_LENGTH = 40


def contract_serial(contract: ContractCertificate) -> str:
    """The contract certificate's serial number (hex), for the record: the first hash data
    entry's, or the chain's first certificate's; '' when neither can be read."""
    if contract.hash_data:
        return contract.hash_data[0].serial_number[:SERIAL_LENGTH]
    try:
        first = x509.load_pem_x509_certificates(contract.certificate_chain.encode())[0]
    except (ValueError, IndexError):
        return ""
    return f"{first.serial_number:X}"[:SERIAL_LENGTH]


def ocsp_request(certificate: CertificateId) -> bytes:
    """The DER OCSPRequest for ``certificate``; :class:`InvalidRequest` naming the field
    when the station's hash data cannot be one."""
    kind = HASH_ALGORITHMS.get(certificate.hash_algorithm)
    if kind is None:
        raise InvalidRequest(
            f"hash_algorithm {certificate.hash_algorithm!r} is not one of "
            f"{', '.join(HASH_ALGORITHMS)}"
        )
    algorithm = kind()
    name_hash = _hex("issuer_name_hash", certificate.issuer_name_hash)
    key_hash = _hex("issuer_key_hash", certificate.issuer_key_hash)
    if len(name_hash) != algorithm.digest_size or len(key_hash) != algorithm.digest_size:
        raise InvalidRequest(
            f"issuer_name_hash and issuer_key_hash must be {algorithm.digest_size}-byte "
            f"{certificate.hash_algorithm} digests in hex"
        )
    serial = int.from_bytes(_hex("serial_number", certificate.serial_number), "big")
    builder = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        name_hash, key_hash, serial, algorithm
    )
    return builder.build().public_bytes(serialization.Encoding.DER)


def certificate_id(
    certificate: x509.Certificate, issuer: x509.Certificate, responder_url: str = ""
) -> CertificateId:
    """The SHA256 CertID of ``certificate`` issued by ``issuer``, with the responder its
    Authority Information Access names (or ``responder_url`` when it names none)."""
    request = (
        ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256()).build()
    )
    return CertificateId(
        hash_algorithm="SHA256",
        issuer_name_hash=request.issuer_name_hash.hex(),
        issuer_key_hash=request.issuer_key_hash.hex(),
        serial_number=f"{request.serial_number:X}",
        responder_url=ocsp_responder_of(certificate) or responder_url,
    )


def ocsp_responder_of(certificate: x509.Certificate) -> str:
    """The OCSP responder URL in ``certificate``'s Authority Information Access, or ''."""
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return ""
    for description in access.value:
        if description.access_method == AuthorityInformationAccessOID.OCSP and isinstance(
            description.access_location, x509.UniformResourceIdentifier
        ):
            return description.access_location.value
    return ""


def revocation(
    response_der: bytes,
    certificate: CertificateId,
    now: datetime,
    issuers: Sequence[x509.Certificate] = (),
) -> Revocation:
    """What the responder's DER OCSPResponse says of ``certificate`` (:func:`ocsp_answer`)."""
    return ocsp_answer(response_der, certificate, now, issuers)[0]


def ocsp_answer(
    response_der: bytes,
    certificate: CertificateId,
    now: datetime,
    issuers: Sequence[x509.Certificate] = (),
) -> tuple[Revocation, datetime | None]:
    """What the responder's DER OCSPResponse says of ``certificate``, and until when
    (``nextUpdate``, None when the responder gives none).

    The response must be successful, name the certificate asked about, be current
    (``nextUpdate`` not passed) and be signed by the certificate's issuer or by a
    responder the issuer delegated to (RFC 6960 §4.2.2.2: ``id-kp-OCSPSigning``, issued
    directly by the issuer); otherwise :class:`OcspResponseError`. The issuer is known by
    the CertID's hashes: the response may carry it, or it is one of ``issuers`` (the
    presented chain's, the configured trusted certificates). A delegated responder needs
    the issuer among ``issuers`` to check that it was delegated."""
    try:
        response = ocsp.load_der_ocsp_response(response_der)
    except ValueError as error:
        raise OcspResponseError(
            f"the responder's answer is not an OCSP response: {error}"
        ) from None
    if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise OcspResponseError(f"the responder answered {response.response_status.name}")
    for single in response.responses:
        if _names(single, certificate):
            if not signed_by_issuer(
                response,
                single.hash_algorithm,
                certificate.issuer_name_hash,
                certificate.issuer_key_hash,
                issuers,
            ):
                raise OcspResponseError(
                    "the responder's answer is not signed by the certificate's issuer or a "
                    "responder it delegated to"
                )
            if single.next_update_utc is not None and single.next_update_utc < now:
                raise OcspResponseError("the responder's answer is out of date (nextUpdate)")
            if single.certificate_status is ocsp.OCSPCertStatus.GOOD:
                return Revocation.GOOD, single.next_update_utc
            if single.certificate_status is ocsp.OCSPCertStatus.REVOKED:
                return Revocation.REVOKED, single.next_update_utc
            return Revocation.UNKNOWN, single.next_update_utc
    raise OcspResponseError("the responder's answer is about another certificate")


def status_of(revocations: Sequence[Revocation]) -> CertificateStatus:
    """The certificate status of a chain from its certificates' OCSP answers: Accepted
    only when every one is good. The schema's rule: one revoked certificate makes the
    chain CertificateRevoked. A certificate its issuer's responder does not know was not
    issued there: CertChainError."""
    if not revocations:
        return CertificateStatus.NO_CERTIFICATE_AVAILABLE
    if Revocation.REVOKED in revocations:
        return CertificateStatus.CERTIFICATE_REVOKED
    if Revocation.UNKNOWN in revocations:
        return CertificateStatus.CERT_CHAIN_ERROR
    return CertificateStatus.ACCEPTED


def verify_chain(
    chain_pem: str, roots: Sequence[x509.Certificate], now: datetime
) -> CheckedChain | CertificateStatus:
    """Verify a PEM chain (contract certificate first, then its sub-CAs) up to one of
    ``roots``: every certificate within its validity (else CertificateExpired), each signed
    by the next (else SignatureError), the last by a root (else CertChainError)."""
    try:
        chain = x509.load_pem_x509_certificates(chain_pem.encode())
    except ValueError:
        return CertificateStatus.CERT_CHAIN_ERROR
    for certificate in chain:
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            return CertificateStatus.CERTIFICATE_EXPIRED
    pairs: list[tuple[x509.Certificate, x509.Certificate]] = []
    for certificate, issuer in pairwise(chain):
        if certificate.issuer != issuer.subject:
            return CertificateStatus.CERT_CHAIN_ERROR
        if not issued_by(certificate, issuer):
            return CertificateStatus.SIGNATURE_ERROR
        pairs.append((certificate, issuer))
    last = chain[-1]
    root = next((r for r in roots if r.subject == last.issuer and issued_by(last, r)), None)
    if root is None:
        return CertificateStatus.CERT_CHAIN_ERROR
    if not root.not_valid_before_utc <= now <= root.not_valid_after_utc:
        return CertificateStatus.CERTIFICATE_EXPIRED
    if last != root:
        pairs.append((last, root))
    return CheckedChain(tuple(pairs))


def with_certificate(info: IdTokenInfo, status: CertificateStatus) -> IdTokenInfo:
    """C07: an identifier whose contract certificate is not Accepted is not accepted,
    whatever its stored status: Expired for an expired certificate, Invalid otherwise."""
    if status is CertificateStatus.ACCEPTED or info.status is not AuthorizationStatus.ACCEPTED:
        return info
    if status is CertificateStatus.CERTIFICATE_EXPIRED:
        return replace(info, status=AuthorizationStatus.EXPIRED)
    return replace(info, status=AuthorizationStatus.INVALID)


def _hex(field: str, text: str) -> bytes:
    digits = text if len(text) % 2 == 0 else "0" + text
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise InvalidRequest(f"{field} {text!r} is not hexadecimal") from None


def _names(single: ocsp.OCSPSingleResponse, certificate: CertificateId) -> bool:
    try:
        serial = int(certificate.serial_number, 16)
    except ValueError:
        return False
    return (
        single.serial_number == serial
        and single.issuer_name_hash.hex() == certificate.issuer_name_hash.lower()
        and single.issuer_key_hash.hex() == certificate.issuer_key_hash.lower()
    )


def issues(candidate: x509.Certificate, certificate: CertificateId) -> bool:
    """Whether ``candidate`` is the issuer ``certificate``'s CertID names (its hashes)."""
    kind = HASH_ALGORITHMS.get(certificate.hash_algorithm)
    if kind is None:
        return False
    return is_issuer(candidate, kind(), certificate.issuer_name_hash, certificate.issuer_key_hash)
