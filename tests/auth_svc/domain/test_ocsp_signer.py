"""auth_svc.domain.ocsp_signer: an issuer is known by the CertID's hashes of its name and
key, and a certificate is issued by another only when the signature verifies."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes

from auth_svc.domain.contract_certificate import certificate_id
from auth_svc.domain.ocsp_signer import is_issuer, issued_by
from tests.support.plug_and_charge import issue

pytestmark = pytest.mark.unit


def test_the_issuer_is_known_by_its_hashes() -> None:
    root = issue("Root", None, ca=True)
    sub_ca = issue("Sub-CA", root, ca=True)
    entry = certificate_id(sub_ca.certificate, root.certificate)
    name, key = entry.issuer_name_hash, entry.issuer_key_hash
    assert is_issuer(root.certificate, hashes.SHA256(), name, key.upper())
    assert not is_issuer(sub_ca.certificate, hashes.SHA256(), name, key)
    twin = issue("Root", None, ca=True)  # the same name, another key
    assert not is_issuer(twin.certificate, hashes.SHA256(), name, key)
    assert issued_by(sub_ca.certificate, root.certificate)
    assert not issued_by(sub_ca.certificate, twin.certificate)
