"""Certificates and certificate signing requests made during the test run (never files
from elsewhere), and the placeholder the JSON fixtures write for a PEM certificate, so a
fixture stays readable and the certificate in it is a real one."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PLACEHOLDER = "<PEM certificate>"


@functools.cache
def certificate_pem() -> str:
    """A self-signed root certificate (what InstallCertificate sends)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fixture Root")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def substituted(value: Any) -> Any:
    """``value`` (a fixture's JSON) with every :data:`PLACEHOLDER` replaced by a PEM."""
    if value == PLACEHOLDER:
        return certificate_pem()
    if isinstance(value, dict):
        return {key: substituted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [substituted(item) for item in value]
    return value


def csr_pem(common_name: str, key: ec.EllipticCurvePrivateKey | None = None) -> str:
    """A certificate signing request for ``common_name``, as a station makes one."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Station Maker"),
                ]
            )
        )
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


def with_broken_signature(csr: str) -> str:
    """``csr`` with the last byte of its signature changed: it still parses, and its
    signature no longer verifies."""
    der = bytearray(x509.load_pem_x509_csr(csr.encode()).public_bytes(serialization.Encoding.DER))
    der[-1] ^= 0x01
    return x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()


def verified_chain(chain: str, ca_pem: str) -> x509.Certificate:
    """The leaf of a CertificateSigned chain, checked: issued by the CA given (its
    signature verifies), the CA's certificate next in the chain, and valid for client
    authentication. Raises when any of it is not so."""
    leaf, *rest = x509.load_pem_x509_certificates(chain.encode())
    authority = x509.load_pem_x509_certificate(ca_pem.encode())
    assert rest == [authority], "the chain must end with the CSMS CA's certificate"
    leaf.verify_directly_issued_by(authority)
    usage = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in usage
    return leaf


def common_name(certificate: x509.Certificate) -> str:
    return str(certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def hash_data(certificate_pem: str, issuer_pem: str | None = None) -> dict[str, str]:
    """OCPP CertificateHashDataType of a certificate, as a station computes it (SHA256):
    hashes of its issuer's DER name and of the issuer's public key (the key bits), and
    its serial number in hex. A root is its own issuer."""
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    issuer = x509.load_pem_x509_certificate((issuer_pem or certificate_pem).encode())
    key = issuer.public_key()
    # The subjectPublicKey bits of an EC key (the keys made here) are its X9.62 point.
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key_bits = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "hashAlgorithm": "SHA256",
        "issuerNameHash": _sha256(certificate.issuer.public_bytes()),
        "issuerKeyHash": _sha256(key_bits),
        "serialNumber": format(certificate.serial_number, "x"),
    }


def _sha256(data: bytes) -> str:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize().hex()
