"""The simulated station's certificate store, the same in every OCPP version: the roots the
CSMS installed, and the station's own key and certificate chain.

It answers what a station of the OCPP 1.6 security extension (security whitepaper edition 2,
"Certificate Management") or of OCPP 2.x (blocks A and M) is asked: install a root, list
the installed ones by their hash data, delete one, make a certificate signing request for
a new station certificate and take the chain the CSMS signed for it. Pure: no sockets, no
tasks; the handlers (:mod:`simulator.security_v16`, :mod:`simulator.v2.security`) tell
the CSMS.

A root is kept under the name its OCPP version gives its use
(``CentralSystemRootCertificate`` in 1.6, ``CSMSRootCertificate`` in 2.x, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

# HashAlgorithmEnumType, the same in 1.6 and 2.x.
HASH_ALGORITHMS: Mapping[str, type[hashes.HashAlgorithm]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}
ORGANIZATION = "csms-sim"


def hash_data(certificate: x509.Certificate, algorithm: str = "SHA256") -> dict[str, str]:
    """CertificateHashDataType: the hashes of the issuer's name and public key, as OCSP
    identifies a certificate (RFC 6960 §4.1.1, which OCPP refers to), and the serial
    number in hexadecimal without leading zeroes. The roots kept here sign themselves,
    so each is its own issuer."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, certificate, HASH_ALGORITHMS[algorithm]())
        .build()
    )
    return {
        "hash_algorithm": algorithm,
        "issuer_name_hash": request.issuer_name_hash.hex(),
        "issuer_key_hash": request.issuer_key_hash.hex(),
        "serial_number": f"{certificate.serial_number:x}",
    }


@dataclass
class CertificateStore:
    roots: dict[str, list[x509.Certificate]] = field(default_factory=dict)
    # PEM of the station's certificate and the CA's after it, once the CSMS signed one.
    chain: str | None = None
    _pending_key: ec.EllipticCurvePrivateKey | None = None

    def install(self, use: str, pem: str) -> bool:
        """Keep a root; False when ``pem`` is not a PEM X.509 certificate (the station
        answers Rejected). Installing the same certificate again keeps one copy."""
        try:
            certificate = x509.load_pem_x509_certificate(pem.encode())
        except ValueError:
            return False
        kept = self.roots.setdefault(use, [])
        if certificate not in kept:
            kept.append(certificate)
        return True

    def installed(self, uses: Iterable[str] | None = None) -> list[tuple[str, dict[str, str]]]:
        """The use and hash data (SHA256) of every root of ``uses``; None means all."""
        wanted = None if uses is None else set(uses)
        return [
            (use, hash_data(certificate))
            for use, kept in self.roots.items()
            if wanted is None or use in wanted
            for certificate in kept
        ]

    def delete(self, wanted: Mapping[str, str]) -> bool:
        """Forget the root with this hash data (computed with its algorithm); False when
        no root has it."""
        algorithm = wanted.get("hash_algorithm", "")
        if algorithm not in HASH_ALGORITHMS:
            return False
        fields = ("issuer_name_hash", "issuer_key_hash", "serial_number")
        for kept in self.roots.values():
            for certificate in kept:
                found = hash_data(certificate, algorithm)
                if all(found[name].lower() == str(wanted.get(name, "")).lower() for name in fields):
                    kept.remove(certificate)
                    return True
        return False

    def signing_request(self, charge_point_id: str) -> str:
        """A PEM PKCS#10 request for a new station certificate, with a new key: subject CN
        the charge point's identity, as the CSMS requires (1.6 security whitepaper,
        "Installation of a Charge Point certificate"; 2.0.1 A02.FR.06)."""
        key = ec.generate_private_key(ec.SECP256R1())
        request = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, charge_point_id),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
                    ]
                )
            )
            .sign(key, hashes.SHA256())
        )
        self._pending_key = key
        return request.public_bytes(serialization.Encoding.PEM).decode()

    def accept_chain(self, pem: str) -> bool:
        """Take a CertificateSigned chain when its first certificate holds the key of the
        last signing request (1.6 whitepaper and 2.0.1 A02.FR.07: otherwise Rejected)."""
        try:
            leaf = x509.load_pem_x509_certificates(pem.encode())[0]
        except (ValueError, IndexError):
            return False
        if self._pending_key is None or leaf.public_key() != self._pending_key.public_key():
            return False
        self.chain = pem
        self._pending_key = None
        return True
