"""auth_svc.domain.certificate_signing: which requests the CSMS CA signs, and what it signs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from auth_svc.domain.certificate_signing import (
    MAX_CHAIN_LENGTH,
    CertificateSigning,
    Refused,
    Signed,
    Use,
    V2gAuthority,
)
from auth_svc.errors import InvalidRequest
from servicekit.pki import CertificateAuthority, create_authority
from tests.support.certificates import (
    common_name,
    csr_pem,
    verified_chain,
    with_broken_signature,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def authority() -> CertificateAuthority:
    return create_authority()


def test_a_request_for_its_own_identity_is_signed(authority: CertificateAuthority) -> None:
    outcome = CertificateSigning(authority, days=30).sign("CP-1", csr_pem("CP-1"), Use.CHARGE_POINT)
    assert isinstance(outcome, Signed)
    leaf = verified_chain(outcome.chain, authority.certificate_pem)
    assert common_name(leaf) == "CP-1"
    lifetime = leaf.not_valid_after_utc - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=29) < lifetime <= dt.timedelta(days=30)
    basic = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert basic.ca is False


@pytest.mark.parametrize(
    ("csr", "use", "reason"),
    [
        (csr_pem("CP-2"), Use.CHARGE_POINT, "the CSR's subject CN is 'CP-2'"),
        (csr_pem("cp-1"), Use.CHARGE_POINT, "it must be the charge point's identity 'CP-1'"),
        ("hello", Use.CHARGE_POINT, "the CSR is not a PEM certificate request"),
        (with_broken_signature(csr_pem("CP-1")), Use.CHARGE_POINT, "signature does not verify"),
        (csr_pem("CP-1"), Use.V2G, "no V2G CA is configured (CSMS_V2G_CA_CERT"),
    ],
    ids=["another station", "case matters", "not a CSR", "forged", "V2G"],
)
def test_anything_else_is_refused_with_the_reason(
    authority: CertificateAuthority, csr: str, use: Use, reason: str
) -> None:
    outcome = CertificateSigning(authority, days=30).sign("CP-1", csr, use)
    assert isinstance(outcome, Refused)
    assert reason in outcome.reason


def test_a_chain_too_long_for_ocpp_is_refused(authority: CertificateAuthority) -> None:
    class Verbose(CertificateAuthority):
        @property
        def certificate_pem(self) -> str:
            return "x" * MAX_CHAIN_LENGTH

    verbose = Verbose(**{f.name: getattr(authority, f.name) for f in dataclasses.fields(authority)})
    outcome = CertificateSigning(verbose, days=30).sign("CP-1", csr_pem("CP-1"), Use.CHARGE_POINT)
    assert isinstance(outcome, Refused)
    assert "OCPP's CertificateSigned carries at most 10000" in outcome.reason


def test_a_request_without_a_charge_point_is_invalid(authority: CertificateAuthority) -> None:
    with pytest.raises(InvalidRequest, match="charge_point_id is required"):
        CertificateSigning(authority, days=30).sign("", csr_pem("CP-1"), Use.CHARGE_POINT)


@pytest.fixture(scope="module")
def v2g() -> V2gAuthority:
    sub_ca = create_authority("V2G CPO Sub-CA")
    return V2gAuthority(sub_ca, sub_ca.certificate_pem)


def test_a_v2g_request_is_signed_by_the_v2g_ca_not_the_csms_ca(
    authority: CertificateAuthority, v2g: V2gAuthority
) -> None:
    """A02/A03 V2GCertificate: the SECC id is the subject, whatever the station's id."""
    outcome = CertificateSigning(authority, days=30, v2g=v2g).sign(
        "CP-1", csr_pem("DE*ABC*E1234"), Use.V2G
    )
    assert isinstance(outcome, Signed)
    leaf, sub_ca = x509.load_pem_x509_certificates(outcome.chain.encode())
    assert sub_ca == v2g.authority.certificate
    leaf.verify_directly_issued_by(v2g.authority.certificate)
    assert leaf.issuer != authority.certificate.subject
    assert common_name(leaf) == "DE*ABC*E1234"
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.key_agreement and not usage.key_cert_sign


@pytest.mark.parametrize(
    ("csr", "reason"),
    [
        (csr_pem("SECC", ec.generate_private_key(ec.SECP384R1())), "ECDSA secp256r1"),
        (with_broken_signature(csr_pem("SECC")), "signature does not verify"),
        ("hello", "the CSR is not a PEM certificate request"),
    ],
    ids=["P-384 key", "forged", "not a CSR"],
)
def test_a_v2g_request_the_v2g_ca_will_not_sign(
    authority: CertificateAuthority, v2g: V2gAuthority, csr: str, reason: str
) -> None:
    outcome = CertificateSigning(authority, days=30, v2g=v2g).sign("CP-1", csr, Use.V2G)
    assert isinstance(outcome, Refused)
    assert reason in outcome.reason
