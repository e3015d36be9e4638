"""A stand-in ISO 15118 PKI made during the test run: a V2G root, a mobility operator
sub-CA issuing contract certificates (one good, one revoked, one its responder does not
know), a V2G sub-CA for station certificates, a real ``openssl ocsp`` responder on a free
loopback port answering for the sub-CA from an ``index.txt``, and a tiny HTTP contract
certificate service. Nothing comes from elsewhere."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from tests.support.ports import free_port

EXI_RESPONSE = "gAEChAAAAAAAAAAAAAAAAAA="  # what the stand-in service answers (base64)


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class Pki:
    root: Issued
    mo_ca: Issued
    v2g_ca: Issued
    good: Issued
    revoked: Issued
    unknown: Issued
    directory: Path
    responder_url: str

    def chain(self, contract: Issued) -> str:
        """What a station sends as Authorize ``certificate``: contract then sub-CA."""
        return contract.pem + self.mo_ca.pem

    def hash_data(self, contract: Issued, url: str | None = None) -> dict[str, str]:
        """OCPP OCSPRequestDataType of ``contract`` (camelCase, as on the wire)."""
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate(contract.certificate, self.mo_ca.certificate, hashes.SHA256())
            .build()
        )
        return {
            "hashAlgorithm": "SHA256",
            "issuerNameHash": request.issuer_name_hash.hex(),
            "issuerKeyHash": request.issuer_key_hash.hex(),
            "serialNumber": f"{request.serial_number:X}",
            "responderURL": self.responder_url if url is None else url,
        }

    def write(self, name: str, text: str) -> Path:
        path = self.directory / name
        path.write_text(text)
        return path

    def key_pem(self, issued: Issued) -> str:
        return issued.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()


def issue(
    name: str,
    issuer: Issued | None,
    *,
    ca: bool,
    ocsp_url: str = "",
    days: int = 30,
    ocsp_signing: bool = False,
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ocsp_signing:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
        )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Issued(certificate, key)


def _index_line(issued: Issued, revoked: bool) -> str:
    """One line of openssl ca's index.txt: status, expiry, revocation, serial, file, DN."""
    certificate = issued.certificate
    expiry = certificate.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
    revocation = dt.datetime.now(dt.UTC).strftime("%y%m%d%H%M%SZ") if revoked else ""
    serial = f"{certificate.serial_number:X}"
    serial = serial if len(serial) % 2 == 0 else "0" + serial
    subject = "/" + certificate.subject.rfc4514_string()
    return "\t".join(["R" if revoked else "V", expiry, revocation, serial, "unknown", subject])


@contextmanager
def plug_and_charge_pki(directory: Path) -> Iterator[Pki]:
    """The PKI, with its ``openssl ocsp`` responder running until the block ends."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    root = issue("V2G Root (test)", None, ca=True, days=365)
    mo_ca = issue("MO Sub-CA (test)", root, ca=True, days=365)
    v2g_ca = issue("V2G CPO Sub-CA (test)", root, ca=True, days=365)
    good = issue("EMAID-GOOD", mo_ca, ca=False, ocsp_url=url)
    revoked = issue("EMAID-REVOKED", mo_ca, ca=False, ocsp_url=url)
    unknown = issue("EMAID-UNKNOWN", mo_ca, ca=False, ocsp_url=url)
    pki = Pki(root, mo_ca, v2g_ca, good, revoked, unknown, directory, url)
    index = pki.write(
        "index.txt", _index_line(good, False) + "\n" + _index_line(revoked, True) + "\n"
    )
    ca_file = pki.write("mo-ca.pem", mo_ca.pem)
    key_file = pki.write("mo-ca.key", pki.key_pem(mo_ca))
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command is needed for the OCSP responder"
    log = (directory / "ocsp.log").open("wb")
    process = subprocess.Popen(
        [
            openssl,
            "ocsp",
            "-index",
            str(index),
            "-port",
            # OpenSSL 3.0 takes a port number only (it listens on every address).
            str(port),
            "-rsigner",
            str(ca_file),
            "-rkey",
            str(key_file),
            "-CA",
            str(ca_file),
            "-nmin",
            "5",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(directory / "ocsp.log", process)
        yield pki
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _wait_for(log: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the responder says it listens. (Not by connecting: it serves one connection
    at a time, and an empty probe would hold it.)"""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"openssl ocsp exited with {process.returncode}")
        if b"waiting for OCSP client connections" in log.read_bytes():
            return
        time.sleep(0.05)
    raise AssertionError("openssl ocsp did not listen in time")


@dataclass
class ContractService:
    """The stand-in contract certificate service: what it received, and its URL."""

    url: str
    received: list[dict[str, Any]]


@contextmanager
def contract_certificate_service(
    answer: Any = None, status: int = 200
) -> Iterator[ContractService]:
    """A local HTTP service keeping the documented contract (docs/certificates.md): POST
    JSON, answered ``answer`` (default Accepted with :data:`EXI_RESPONSE`) with HTTP
    ``status``."""
    received: list[dict[str, Any]] = []
    reply = answer or {"status": "Accepted", "exiResponse": EXI_RESPONSE}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.append(json.loads(self.rfile.read(length)))
            body = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ContractService(f"http://127.0.0.1:{server.server_address[1]}/contracts", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def crl_of(issuer: Issued, revoked: list[Issued], *, days: int = 1) -> bytes:
    """A DER CRL signed by ``issuer`` listing ``revoked``."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + dt.timedelta(days=days))
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.certificate.serial_number)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@contextmanager
def serving_files(files: dict[str, bytes]) -> Iterator[str]:
    """A local HTTP server answering GET /NAME with ``files[NAME]`` (404 otherwise); its
    base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
