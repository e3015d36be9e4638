"""auth_svc.adapters.ocsp_responder against a real ``openssl ocsp`` responder, and what it
says when there is no usable answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.x509 import ocsp

from auth_svc.adapters.ocsp_responder import HttpOcspResponder
from auth_svc.domain.contract_certificate import CertificateId, ocsp_request
from auth_svc.ports import PartyUnavailable
from tests.support.plug_and_charge import Pki, plug_and_charge_pki
from tests.support.ports import free_port


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with plug_and_charge_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


def request(pki: Pki) -> bytes:
    entry = pki.hash_data(pki.revoked)
    return ocsp_request(
        CertificateId(
            entry["hashAlgorithm"],
            entry["issuerNameHash"],
            entry["issuerKeyHash"],
            entry["serialNumber"],
            entry["responderURL"],
        )
    )


async def test_posts_the_request_and_returns_the_answer(pki: Pki) -> None:
    answer = await HttpOcspResponder(5).ask(pki.responder_url, request(pki))
    response = ocsp.load_der_ocsp_response(answer)
    assert response.certificate_status is ocsp.OCSPCertStatus.REVOKED


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://127.0.0.1/", "is not http:// or https://"),
        ("", "is not http:// or https://"),
        ("unreachable", "did not answer"),
    ],
)
async def test_no_usable_answer(pki: Pki, url: str, words: str) -> None:
    target = f"http://127.0.0.1:{free_port()}/" if url == "unreachable" else url
    with pytest.raises(PartyUnavailable, match=words):
        await HttpOcspResponder(2).ask(target, request(pki))
