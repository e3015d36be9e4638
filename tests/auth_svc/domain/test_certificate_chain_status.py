"""auth_svc.domain.certificate_chain_status: a CRL counts only when its issuer is the
certificate's, known and trusted, its signature verifies and it is current (OCPP 2.1
GetCertificateChainStatus with source CRL)."""

from __future__ import annotations

import datetime as dt

import pytest

from auth_svc.domain.certificate_chain_status import CrlError, crl_answer
from auth_svc.domain.contract_certificate import Revocation, certificate_id
from tests.support.plug_and_charge import Issued, crl_of, issue

pytestmark = pytest.mark.unit

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def root() -> Issued:
    return issue("Root", None, ca=True)


@pytest.fixture(scope="module")
def sub_ca(root: Issued) -> Issued:
    return issue("Sub-CA", root, ca=True)


def test_listed_is_revoked_and_unlisted_good(root: Issued, sub_ca: Issued) -> None:
    other = issue("Other Sub-CA", root, ca=True)
    crl = crl_of(root, [other])
    good, until = crl_answer(
        crl, certificate_id(sub_ca.certificate, root.certificate), NOW, [root.certificate]
    )
    assert good is Revocation.GOOD and until is not None and until > NOW
    revoked, _ = crl_answer(
        crl, certificate_id(other.certificate, root.certificate), NOW, [root.certificate]
    )
    assert revoked is Revocation.REVOKED


def test_crls_that_cannot_be_believed(root: Issued, sub_ca: Issued) -> None:
    entry = certificate_id(sub_ca.certificate, root.certificate)
    with pytest.raises(CrlError, match="not a CRL"):
        crl_answer(b"junk", entry, NOW, [root.certificate])
    with pytest.raises(CrlError, match="issuer is not the certificate's issuer"):
        crl_answer(crl_of(root, []), entry, NOW, [])
    impostor = issue("Root", None, ca=True)  # the same name, another key
    with pytest.raises(CrlError, match="issuer is not the certificate's issuer"):
        crl_answer(crl_of(impostor, []), entry, NOW, [impostor.certificate])
    with pytest.raises(CrlError, match="not signed by the certificate's issuer"):
        crl_answer(crl_of(impostor, []), entry, NOW, [root.certificate])
    later = NOW + dt.timedelta(days=2)
    with pytest.raises(CrlError, match="out of date"):
        crl_answer(crl_of(root, []), entry, later, [root.certificate])
