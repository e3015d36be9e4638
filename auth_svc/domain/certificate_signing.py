"""Signing charge point certificates with the CSMS CA: the decision behind a station's
SignCertificate (OCPP 1.6 security whitepaper, "Installation of a Charge Point
certificate"; OCPP 2.0.1 A02/A03).

A request is signed when its signature verifies and its subject CN is the charge point's
identity (2.0.1 A02 and the 1.6 whitepaper: the certificate names the station it
belongs to), so a station can never obtain a certificate that lets it connect as another.
A V2G certificate (ISO 15118 SECC) is signed by the configured V2G sub-CA instead, when
its key is ECDSA secp256r1. Anything else is refused with a reason, which is an answer
rather than an error: the station is told Rejected and the refusal is recorded as a
security event.

Pure apart from the CA's signature; the servicer runs it in a thread because an RSA CA
key takes milliseconds to sign with.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm

from auth_svc.errors import InvalidRequest
from servicekit.pki import CertificateAuthority, CertificateRequestError

LOG = logging.getLogger(__name__)

# CertificateSigned.certificateChain maxLength, the same in OCPP 1.6 and 2.x: a longer
# chain could not be sent.
MAX_CHAIN_LENGTH = 10_000


class Use(enum.Enum):
    """What the certificate is for. The CSMS CA issues charge point (TLS client)
    certificates only; ISO 15118 certificates come from the V2G sub-CA the operator
    configures, when there is one."""

    CHARGE_POINT = "charge point"
    V2G = "V2G"


@dataclass(frozen=True)
class Signed:
    """The new certificate then the CA's, PEM: OCPP's ``certificateChain``."""

    chain: str


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class V2gAuthority:
    """The V2G sub-CA the operator configures (``CSMS_V2G_CA_CERT``/``_KEY``): it signs
    stations' ISO 15118 certificates (OCPP 2.0.1 A02/A03 with certificateType
    V2GCertificate). ``chain`` is the certificate file's content: the sub-CA and any CAs
    above it, sent after the new certificate."""

    authority: CertificateAuthority
    chain: str


class CertificateSigning:
    def __init__(
        self, authority: CertificateAuthority, days: int, v2g: V2gAuthority | None = None
    ) -> None:
        self._authority = authority
        self._days = days
        self._v2g = v2g

    def sign(self, charge_point_id: str, csr: str, use: Use) -> Signed | Refused:
        if not charge_point_id:
            raise InvalidRequest("charge_point_id is required")
        outcome = self._decide(charge_point_id, csr, use)
        if isinstance(outcome, Refused):
            LOG.warning(
                "charge_point=%s certificate request refused: %s", charge_point_id, outcome.reason
            )
        else:
            LOG.info("charge_point=%s certificate signed for %d days", charge_point_id, self._days)
        return outcome

    def _decide(self, charge_point_id: str, csr: str, use: Use) -> Signed | Refused:
        if use is Use.V2G:
            return self._sign_v2g(csr)
        try:
            certificate = self._authority.sign_request(
                csr, days=self._days, expected_common_name=charge_point_id
            )
        except CertificateRequestError as error:
            return Refused(str(error))
        except (UnsupportedAlgorithm, ValueError, TypeError) as error:
            # A request that parses but whose key or signature algorithm the CA cannot
            # use (cryptography says which).
            return Refused(f"the CSR cannot be signed: {error}")
        return _bounded(certificate + self._authority.certificate_pem)

    def _sign_v2g(self, csr: str) -> Signed | Refused:
        """A02/A03 V2GCertificate: signed by the configured V2G sub-CA, never by the CSMS
        CA (whose certificates open a TLS connection to the CSMS)."""
        if self._v2g is None:
            return Refused(
                "no V2G CA is configured (CSMS_V2G_CA_CERT, CSMS_V2G_CA_KEY); the CSMS CA "
                "signs charge point certificates only"
            )
        try:
            certificate = self._v2g.authority.sign_v2g_request(csr, days=self._days)
        except CertificateRequestError as error:
            return Refused(str(error))
        except (UnsupportedAlgorithm, ValueError, TypeError) as error:
            return Refused(f"the CSR cannot be signed: {error}")
        return _bounded(certificate + self._v2g.chain)


def _bounded(chain: str) -> Signed | Refused:
    if len(chain) > MAX_CHAIN_LENGTH:
        return Refused(
            f"the signed chain would be {len(chain)} characters long; OCPP's "
            f"CertificateSigned carries at most {MAX_CHAIN_LENGTH}"
        )
    return Signed(chain)
