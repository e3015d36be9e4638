"""auth_svc.domain.certificate_signing: which requests the CSMS CA signs, and what it signs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cryptography import x509

from auth_svc.domain.certificate_signing import (
    MAX_CHAIN_LENGTH,
    CertificateSigning,
    Refused,
    Signed,
    Use,
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
        (csr_pem("CP-1"), Use.V2G, "a V2G certificate comes from an ISO 15118 PKI"),
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
