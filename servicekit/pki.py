"""The CSMS's own public key infrastructure: a CA, the TLS listener's certificate, and
the signing of charge point certificate requests (OCPP SignCertificate).

Embedded mode needs no preparation: the first start creates a CA and a server
certificate for ``localhost`` under ``$CSMS_DATA_DIR/pki`` (keys readable by the owner
only). In production the operator points ``CSMS_CA_CERT``/``CSMS_CA_KEY`` and
``CSMS_TLS_CERT``/``CSMS_TLS_KEY`` at their own files, which are then only read.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "CSMS Certificate Authority"
CA_DAYS = 3650
SERVER_DAYS = 825
SERVER_NAMES = ("localhost", "127.0.0.1", "::1")
# 2048 bits: 112-bit security, the least OCPP's security profiles accept for RSA.
RSA_BITS = 2048


class CertificateRequestError(ValueError):
    """A certificate signing request the CA will not sign; the message says why."""


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign_request(
        self, csr_pem: str, *, days: int, expected_common_name: str | None = None
    ) -> str:
        """Sign a PEM CSR as a client certificate; return the certificate (PEM).

        The CSR's signature must verify, and with ``expected_common_name`` its subject CN
        must be that (OCPP: a charging station's certificate names its identity)."""
        try:
            request = x509.load_pem_x509_csr(csr_pem.encode())
        except ValueError as error:
            raise CertificateRequestError(
                f"the CSR is not a PEM certificate request: {error}"
            ) from None
        if not request.is_signature_valid:
            raise CertificateRequestError("the CSR's signature does not verify")
        names = request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        common_name = str(names[0].value) if names else ""
        if expected_common_name is not None and common_name != expected_common_name:
            raise CertificateRequestError(
                f"the CSR's subject CN is {common_name!r}; it must be the charge point's "
                f"identity {expected_common_name!r}"
            )
        now = _now()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(request.subject)
            .issuer_name(self.certificate.subject)
            .public_key(request.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign_v2g_request(self, csr_pem: str, *, days: int) -> str:
        """Sign a PEM CSR as an ISO 15118-2 SECC (V2G charging station) certificate; return
        it (PEM). ISO 15118-2 keys are ECDSA secp256r1; the subject is the station's
        operator's choice (its SECC id), so no subject rule applies."""
        try:
            request = x509.load_pem_x509_csr(csr_pem.encode())
        except ValueError as error:
            raise CertificateRequestError(
                f"the CSR is not a PEM certificate request: {error}"
            ) from None
        if not request.is_signature_valid:
            raise CertificateRequestError("the CSR's signature does not verify")
        key = request.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise CertificateRequestError(
                "a V2G certificate's key must be ECDSA secp256r1 (ISO 15118-2)"
            )
        now = _now()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(request.subject)
            .issuer_name(self.certificate.subject)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=True,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue_server_certificate(
        self, names: Sequence[str], days: int = SERVER_DAYS, *, rsa_key: bool = False
    ) -> tuple[str, str]:
        """A new key and a server certificate for ``names`` (DNS names or IPs): PEMs.

        The key is ECDSA P-256, or RSA 2048 with ``rsa_key``: OCPP 2.0.1 A00.FR.318 asks
        for suites of both kinds, and a suite's authentication needs a key of its kind."""
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
            if rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
        now = _now()
        alternatives: list[x509.GeneralName] = []
        for name in names:
            try:
                alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alternatives.append(x509.DNSName(name))
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return (
            certificate.public_bytes(serialization.Encoding.PEM).decode(),
            _key_pem(key),
        )


def create_authority(name: str = CA_NAME, days: int = CA_DAYS) -> CertificateAuthority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(certificate, key)


def load_authority(cert_path: Path, key_path: Path) -> CertificateAuthority:
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError(f"{key_path}: the CA key must be an EC or RSA private key")
    return CertificateAuthority(certificate, key)


def ensure_authority(cert_path: Path, key_path: Path) -> CertificateAuthority:
    """Load the CA; create it first when neither file exists."""
    if not cert_path.exists() and not key_path.exists():
        authority = create_authority()
        write_private(key_path, _key_pem(authority.key))
        cert_path.write_text(authority.certificate_pem)
        return authority
    return load_authority(cert_path, key_path)


def ensure_server_certificate(
    authority: CertificateAuthority, cert_path: Path, key_path: Path, *, rsa_key: bool = False
) -> None:
    """Issue a TLS listener's certificate (for localhost) when neither file exists."""
    if cert_path.exists() or key_path.exists():
        return
    certificate, key = authority.issue_server_certificate(SERVER_NAMES, rsa_key=rsa_key)
    write_private(key_path, key)
    cert_path.write_text(certificate)


def write_private(path: Path, text: str) -> None:
    """Write a secret readable by the owner only (created so, never widened)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def _key_pem(key: CertificateIssuerPrivateKeyTypes) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
