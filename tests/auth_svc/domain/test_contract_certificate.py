"""auth_svc.domain.contract_certificate: OCSP requests from a station's hash data, what a
responder's answer means, chains to the V2G roots, and that a contract certificate that
is not Accepted never lets its identifier be accepted (OCPP 2.0.1 C07)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from auth_svc.domain.contract_certificate import (
    CertificateStatus,
    OcspResponseError,
    Revocation,
    certificate_id,
    ocsp_request,
    revocation,
    status_of,
    verify_chain,
    with_certificate,
)
from auth_svc.domain.id_tag import AuthorizationStatus, IdTokenInfo
from auth_svc.errors import InvalidRequest
from tests.support.plug_and_charge import Issued, issue

pytestmark = pytest.mark.unit

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def root() -> Issued:
    return issue("Root", None, ca=True)


@pytest.fixture(scope="module")
def sub_ca(root: Issued) -> Issued:
    return issue("Sub-CA", root, ca=True)


@pytest.fixture(scope="module")
def contract(sub_ca: Issued) -> Issued:
    return issue("EMAID-1", sub_ca, ca=False, ocsp_url="http://ocsp.test/")


def response(
    contract: Issued,
    issuer: Issued,
    status: ocsp.OCSPCertStatus,
    *,
    signer: Issued | None = None,
    next_update: dt.datetime | None = None,
) -> bytes:
    """A DER OCSPResponse as a responder signing with ``signer`` (default the issuer) and
    carrying its certificate makes it."""
    signer = signer or issuer
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=contract.certificate,
        issuer=issuer.certificate,
        algorithm=hashes.SHA256(),
        cert_status=status,
        this_update=NOW - dt.timedelta(minutes=1),
        next_update=next_update or NOW + dt.timedelta(minutes=5),
        revocation_time=NOW if status is ocsp.OCSPCertStatus.REVOKED else None,
        revocation_reason=None,
    )
    built = (
        builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer.certificate)
        .certificates([signer.certificate])
        .sign(signer.key, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.DER)


def test_the_request_names_the_certificate_the_station_described(
    contract: Issued, sub_ca: Issued
) -> None:
    entry = certificate_id(contract.certificate, sub_ca.certificate)
    assert entry.responder_url == "http://ocsp.test/"
    request = ocsp.load_der_ocsp_request(ocsp_request(entry))
    assert request.serial_number == contract.certificate.serial_number
    assert request.issuer_name_hash.hex() == entry.issuer_name_hash
    assert isinstance(request.hash_algorithm, hashes.SHA256)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hash_algorithm": "MD5"}, "hash_algorithm 'MD5' is not one of SHA256, SHA384, SHA512"),
        ({"issuer_name_hash": "xyz"}, "issuer_name_hash 'xyz' is not hexadecimal"),
        ({"issuer_key_hash": "abcd"}, "must be 32-byte SHA256 digests in hex"),
        ({"serial_number": "G1"}, "serial_number 'G1' is not hexadecimal"),
    ],
)
def test_hash_data_that_cannot_be_a_request_names_the_field(
    contract: Issued, sub_ca: Issued, change: dict[str, str], message: str
) -> None:
    entry = replace(certificate_id(contract.certificate, sub_ca.certificate), **change)
    with pytest.raises(InvalidRequest, match=message):
        ocsp_request(entry)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ocsp.OCSPCertStatus.GOOD, Revocation.GOOD),
        (ocsp.OCSPCertStatus.REVOKED, Revocation.REVOKED),
        (ocsp.OCSPCertStatus.UNKNOWN, Revocation.UNKNOWN),
    ],
)
def test_the_answer_of_a_responder(
    contract: Issued, sub_ca: Issued, status: ocsp.OCSPCertStatus, expected: Revocation
) -> None:
    entry = certificate_id(contract.certificate, sub_ca.certificate)
    assert revocation(response(contract, sub_ca, status), entry, NOW) is expected


def test_answers_that_cannot_be_believed(contract: Issued, sub_ca: Issued, root: Issued) -> None:
    entry = certificate_id(contract.certificate, sub_ca.certificate)
    good = ocsp.OCSPCertStatus.GOOD
    with pytest.raises(OcspResponseError, match="not an OCSP response"):
        revocation(b"<html>", entry, NOW)
    unauthorized = ocsp.OCSPResponseBuilder.build_unsuccessful(
        ocsp.OCSPResponseStatus.UNAUTHORIZED
    ).public_bytes(serialization.Encoding.DER)
    with pytest.raises(OcspResponseError, match="answered UNAUTHORIZED"):
        revocation(unauthorized, entry, NOW)
    stale = response(contract, sub_ca, good, next_update=NOW - dt.timedelta(seconds=1))
    with pytest.raises(OcspResponseError, match="out of date"):
        revocation(stale, entry, NOW)
    other = certificate_id(sub_ca.certificate, root.certificate)
    with pytest.raises(OcspResponseError, match="about another certificate"):
        revocation(response(contract, sub_ca, good), other, NOW)
    # Signed, and consistent, but by someone other than the issuer: a responder on the way
    # could say "good" of a revoked certificate.
    forged = response(contract, sub_ca, good, signer=root)
    with pytest.raises(OcspResponseError, match="not signed by the certificate's issuer"):
        revocation(forged, entry, NOW)


def test_a_delegated_responder_needs_its_issuer_known(contract: Issued, sub_ca: Issued) -> None:
    """RFC 6960 §4.2.2.2: a responder certificate with id-kp-OCSPSigning issued by the
    issuer answers for it; the CSMS checks the delegation against the issuer it knows."""
    responder = issue("OCSP Responder", sub_ca, ca=False, ocsp_signing=True)
    entry = certificate_id(contract.certificate, sub_ca.certificate)
    answer = response(contract, sub_ca, ocsp.OCSPCertStatus.REVOKED, signer=responder)
    assert revocation(answer, entry, NOW, [sub_ca.certificate]) is Revocation.REVOKED
    with pytest.raises(OcspResponseError, match="not signed by the certificate's issuer"):
        revocation(answer, entry, NOW)
    undelegated = issue("Not A Responder", sub_ca, ca=False)
    answer = response(contract, sub_ca, ocsp.OCSPCertStatus.GOOD, signer=undelegated)
    with pytest.raises(OcspResponseError, match="not signed by the certificate's issuer"):
        revocation(answer, entry, NOW, [sub_ca.certificate])


@pytest.mark.parametrize(
    ("revocations", "expected"),
    [
        ([Revocation.GOOD, Revocation.GOOD], CertificateStatus.ACCEPTED),
        ([Revocation.GOOD, Revocation.REVOKED], CertificateStatus.CERTIFICATE_REVOKED),
        ([Revocation.UNKNOWN, Revocation.REVOKED], CertificateStatus.CERTIFICATE_REVOKED),
        ([Revocation.GOOD, Revocation.UNKNOWN], CertificateStatus.CERT_CHAIN_ERROR),
        ([], CertificateStatus.NO_CERTIFICATE_AVAILABLE),
    ],
)
def test_a_chain_is_accepted_only_when_every_certificate_is_good(
    revocations: list[Revocation], expected: CertificateStatus
) -> None:
    assert status_of(revocations) is expected


def test_chains_to_the_roots(contract: Issued, sub_ca: Issued, root: Issued) -> None:
    chain = contract.pem + sub_ca.pem
    checked = verify_chain(chain, [root.certificate], NOW)
    assert not isinstance(checked, CertificateStatus)
    assert [(c.subject, i.subject) for c, i in checked.pairs] == [
        (contract.certificate.subject, sub_ca.certificate.subject),
        (sub_ca.certificate.subject, root.certificate.subject),
    ]
    assert verify_chain(chain, [], NOW) is CertificateStatus.CERT_CHAIN_ERROR
    assert verify_chain(contract.pem, [root.certificate], NOW) is CertificateStatus.CERT_CHAIN_ERROR
    assert verify_chain("junk", [root.certificate], NOW) is CertificateStatus.CERT_CHAIN_ERROR
    later = NOW + dt.timedelta(days=400)
    assert verify_chain(chain, [root.certificate], later) is CertificateStatus.CERTIFICATE_EXPIRED


def test_a_forged_link_is_a_signature_error(sub_ca: Issued, root: Issued) -> None:
    """A certificate naming the sub-CA as issuer but signed by another key."""
    impostor = issue("Sub-CA", None, ca=True)  # same subject, another key
    forged = issue("EMAID-2", impostor, ca=False)
    status = verify_chain(forged.pem + sub_ca.pem, [root.certificate], NOW)
    assert status is CertificateStatus.SIGNATURE_ERROR


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (CertificateStatus.ACCEPTED, AuthorizationStatus.ACCEPTED),
        (CertificateStatus.CERTIFICATE_REVOKED, AuthorizationStatus.INVALID),
        (CertificateStatus.CERT_CHAIN_ERROR, AuthorizationStatus.INVALID),
        (CertificateStatus.NO_CERTIFICATE_AVAILABLE, AuthorizationStatus.INVALID),
        (CertificateStatus.CERTIFICATE_EXPIRED, AuthorizationStatus.EXPIRED),
    ],
)
def test_an_identifier_is_never_accepted_without_its_certificate(
    certificate: CertificateStatus, expected: AuthorizationStatus
) -> None:
    accepted = IdTokenInfo(AuthorizationStatus.ACCEPTED, parent_id_tag="GROUP")
    decided = with_certificate(accepted, certificate)
    assert decided.status is expected and decided.parent_id_tag == "GROUP"
    blocked = IdTokenInfo(AuthorizationStatus.BLOCKED)
    assert with_certificate(blocked, CertificateStatus.ACCEPTED) == blocked
