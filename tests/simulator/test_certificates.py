"""The simulated station's certificate store: roots by use with their hash data, deletion
by hash data, a CSR naming the station, and only a chain for its own key taken."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from servicekit.pki import create_authority
from simulator.certificates import CertificateStore
from simulator.certificates import hash_data as store_hash_data
from tests.support.certificates import certificate_pem, csr_pem, hash_data

pytestmark = pytest.mark.unit


CSMS_ROOT = "CentralSystemRootCertificate"


def snake(data: dict[str, str]) -> dict[str, str]:
    """The hash data as the ocpp library passes it to handlers (snake_case keys)."""
    names = {
        "hashAlgorithm": "hash_algorithm",
        "issuerNameHash": "issuer_name_hash",
        "issuerKeyHash": "issuer_key_hash",
        "serialNumber": "serial_number",
    }
    return {names[key]: value for key, value in data.items()}


def test_a_root_is_listed_by_its_hash_data() -> None:
    store = CertificateStore()
    assert store.installed() == []
    assert store.install(CSMS_ROOT, certificate_pem())
    assert store.install(CSMS_ROOT, certificate_pem())  # the same one: kept once
    # Computed here independently of the store (tests.support.certificates).
    assert store.installed([CSMS_ROOT]) == [(CSMS_ROOT, snake(hash_data(certificate_pem())))]
    assert store.installed(["ManufacturerRootCertificate"]) == []


def test_what_is_not_a_certificate_is_not_installed() -> None:
    store = CertificateStore()
    assert not store.install(CSMS_ROOT, "-----BEGIN CERTIFICATE-----\nnope\n")
    assert store.installed() == []


def test_delete_by_hash_data_of_any_algorithm() -> None:
    store = CertificateStore()
    store.install(CSMS_ROOT, certificate_pem())
    wanted = snake(hash_data(certificate_pem()))
    assert not store.delete({**wanted, "serial_number": "1234"})
    assert not store.delete({**wanted, "hash_algorithm": "MD5"})
    sha384 = create_authority()
    store.install(CSMS_ROOT, sha384.certificate_pem)
    certificate = x509.load_pem_x509_certificate(sha384.certificate_pem.encode())
    assert store.delete(store_hash_data(certificate, "SHA384"))
    assert store.delete(wanted)
    assert store.installed() == []
    assert not store.delete(wanted)


def test_only_a_chain_for_the_last_request_is_taken() -> None:
    store = CertificateStore()
    authority = create_authority()
    assert not store.accept_chain(authority.certificate_pem)  # nothing was asked for
    request = store.signing_request("CP-7")
    subject = x509.load_pem_x509_csr(request.encode()).subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "CP-7"
    foreign = authority.sign_request(csr_pem("CP-7"), days=1) + authority.certificate_pem
    assert not store.accept_chain(foreign)
    assert not store.accept_chain("not a chain")
    chain = authority.sign_request(request, days=1) + authority.certificate_pem
    assert store.accept_chain(chain)
    assert store.chain == chain
