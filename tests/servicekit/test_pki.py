from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from servicekit.pki import (
    CertificateRequestError,
    ensure_authority,
    ensure_server_certificate,
)


def _csr(common_name: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


def test_the_ca_is_created_once_with_a_private_key_and_then_reused(tmp_path: Path) -> None:
    cert, key = tmp_path / "pki" / "ca.pem", tmp_path / "pki" / "ca.key"
    first = ensure_authority(cert, key)
    assert key.stat().st_mode & 0o777 == 0o600
    again = ensure_authority(cert, key)
    assert again.certificate == first.certificate


def test_a_station_csr_is_signed_by_the_ca_only_for_its_own_identity(tmp_path: Path) -> None:
    authority = ensure_authority(tmp_path / "ca.pem", tmp_path / "ca.key")
    signed = authority.sign_request(_csr("CP-1"), days=30, expected_common_name="CP-1")
    certificate = x509.load_pem_x509_certificate(signed.encode())
    assert certificate.issuer == authority.certificate.subject
    certificate.verify_directly_issued_by(authority.certificate)
    with pytest.raises(CertificateRequestError, match="must be the charge point's identity"):
        authority.sign_request(_csr("CP-2"), days=30, expected_common_name="CP-1")
    with pytest.raises(CertificateRequestError, match="not a PEM certificate request"):
        authority.sign_request("-----BEGIN NONSENSE-----", days=30)


def test_the_server_certificate_verifies_for_localhost_against_the_ca(tmp_path: Path) -> None:
    authority = ensure_authority(tmp_path / "ca.pem", tmp_path / "ca.key")
    ensure_server_certificate(authority, tmp_path / "server.pem", tmp_path / "server.key")
    context = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    assert context.verify_mode == ssl.CERT_REQUIRED
