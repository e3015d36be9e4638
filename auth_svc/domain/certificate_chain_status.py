"""OCPP 2.1 GetCertificateChainStatus: the status of up to four certificates,
each from its OCSP responder or its issuer's CRL, as the station names them. Each answer
is Good, Revoked, Unknown or Failed, with the time it holds until (``nextUpdate``).

Pure: reading the answers. The OCSP rules are :mod:`auth_svc.domain.contract_certificate`'s;
a CRL counts only when it is signed by the certificate's issuer, known by the CertID's
hashes among the configured certificates (``CSMS_V2G_ROOT_CERTS``), and is current.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from auth_svc.domain.contract_certificate import CertificateId, Revocation, issues

# The issuer keys a CRL signature can be checked with.
_CRL_KEYS = (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)


class Source(enum.Enum):
    """OCPP 2.1 CertificateStatusSourceEnumType."""

    OCSP = "OCSP"
    CRL = "CRL"


class CrlError(ValueError):
    """A CRL that cannot be believed; the message says why."""


@dataclass(frozen=True)
class StatusQuery:
    """OCPP 2.1 CertificateStatusRequestInfoType."""

    certificate: CertificateId
    source: Source
    urls: tuple[str, ...]


@dataclass(frozen=True)
class StatusAnswer:
    """OCPP 2.1 CertificateStatusType: ``revocation`` None means Failed."""

    query: StatusQuery
    revocation: Revocation | None
    next_update: datetime
    reason: str = ""


def crl_answer(
    crl_bytes: bytes,
    certificate: CertificateId,
    now: datetime,
    issuers: Sequence[x509.Certificate],
) -> tuple[Revocation, datetime | None]:
    """What the CRL (DER or PEM) says of ``certificate``: Revoked when it lists the
    serial number, Good otherwise."""
    try:
        crl = (
            x509.load_pem_x509_crl(crl_bytes)
            if crl_bytes.lstrip().startswith(b"-----")
            else x509.load_der_x509_crl(crl_bytes)
        )
    except ValueError as error:
        raise CrlError(f"not a CRL: {error}") from None
    issuer = next((c for c in issuers if issues(c, certificate) and c.subject == crl.issuer), None)
    if issuer is None:
        raise CrlError(
            "the CRL's issuer is not the certificate's issuer among the configured "
            "certificates (CSMS_V2G_ROOT_CERTS)"
        )
    public_key = issuer.public_key()
    if not isinstance(public_key, _CRL_KEYS) or not crl.is_signature_valid(public_key):
        raise CrlError("the CRL is not signed by the certificate's issuer")
    if crl.next_update_utc is not None and crl.next_update_utc < now:
        raise CrlError("the CRL is out of date (nextUpdate)")
    try:
        serial = int(certificate.serial_number, 16)
    except ValueError:
        raise CrlError(f"serial_number {certificate.serial_number!r} is not hexadecimal") from None
    listed = crl.get_revoked_certificate_by_serial_number(serial)
    return (Revocation.GOOD if listed is None else Revocation.REVOKED), crl.next_update_utc
