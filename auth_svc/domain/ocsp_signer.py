"""Who may sign an OCSP answer (RFC 6960 §4.2.2.2): the issuer of the certificate asked
about, known by the CertID's hashes of its name and key, or a responder it delegated to
(``id-kp-OCSPSigning``, issued directly by the issuer). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID


def signed_by_issuer(
    response: ocsp.OCSPResponse,
    algorithm: hashes.HashAlgorithm,
    name_hash: str,
    key_hash: str,
    issuers: Sequence[x509.Certificate],
) -> bool:
    """Whether ``response`` is signed by the issuer the hashes name, or by a responder it
    delegated to; the issuer is one the response carries or one of ``issuers``."""
    signature_hash = response.signature_hash_algorithm
    if signature_hash is None:
        return False
    known = [c for c in issuers if is_issuer(c, algorithm, name_hash, key_hash)]
    for signer in [*response.certificates, *known]:
        if not verifies(signer, response.signature, response.tbs_response_bytes, signature_hash):
            continue
        if is_issuer(signer, algorithm, name_hash, key_hash):
            return True
        if _delegated(signer) and any(issued_by(signer, issuer) for issuer in known):
            return True
    return False


def is_issuer(
    candidate: x509.Certificate, algorithm: hashes.HashAlgorithm, name_hash: str, key_hash: str
) -> bool:
    """RFC 6960 CertID: the hashes of the issuer's subject (DER) and of its key's bits."""
    return _hashes(candidate, algorithm) == (name_hash.lower(), key_hash.lower())


def _hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[str, str]:
    """RFC 6960 CertID issuerNameHash and issuerKeyHash of certificates ``issuer`` issued:
    the hashes of its subject (DER) and of its public key's bits."""
    key = issuer.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        bits = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    elif isinstance(key, rsa.RSAPublicKey):
        bits = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    else:
        return ("", "")
    return (_digest(algorithm, issuer.subject.public_bytes()), _digest(algorithm, bits))


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> str:
    digest = hashes.Hash(type(algorithm)())
    digest.update(data)
    return digest.finalize().hex()


def _delegated(signer: x509.Certificate) -> bool:
    try:
        usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in usage


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def verifies(
    signer: x509.Certificate, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm
) -> bool:
    key = signer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        else:
            return False
    except InvalidSignature:
        return False
    return True
