"""auth_svc.use_cases.certificate_chain_status over fakes: the station's URLs are tried in
order, the configured OCSP responder replaces them, and a certificate no URL answers for
is Failed with every reason."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from auth_svc.domain.certificate_chain_status import Source, StatusQuery
from auth_svc.domain.contract_certificate import Revocation, certificate_id
from auth_svc.ports import PartyUnavailable
from auth_svc.use_cases.certificate_chain_status import NO_NEXT_UPDATE, CertificateChainStatus
from servicekit.clock import FixedClock
from tests.support.plug_and_charge import crl_of, issue

pytestmark = pytest.mark.unit

NOW = dt.datetime.now(dt.UTC)
ROOT = issue("Root", None, ca=True)
SUB_CA = issue("Sub-CA", ROOT, ca=True)


class Unreachable:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def ask(self, url: str, request: bytes) -> bytes:
        self.asked.append(url)
        raise PartyUnavailable(f"the OCSP responder {url} did not answer")


class Crls:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.fetched: list[str] = []

    async def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.files:
            raise PartyUnavailable(f"the CRL at {url} answered HTTP 404")
        return self.files[url]


def query(source: Source, *urls: str) -> StatusQuery:
    return StatusQuery(certificate_id(SUB_CA.certificate, ROOT.certificate), source, urls)


async def test_the_urls_are_tried_in_order() -> None:
    crls = Crls({"http://b/root.crl": crl_of(ROOT, [SUB_CA])})
    status = CertificateChainStatus(
        Unreachable(), crls, FixedClock(NOW), trusted=[ROOT.certificate]
    )
    (answer,) = await status.statuses(
        "CP-1", [query(Source.CRL, "http://a/root.crl", "http://b/root.crl")]
    )
    assert answer.revocation is Revocation.REVOKED and answer.reason == ""
    assert crls.fetched == ["http://a/root.crl", "http://b/root.crl"]


async def test_failed_with_every_reason_and_a_next_update() -> None:
    responder = Unreachable()
    status = CertificateChainStatus(
        responder, Crls({}), FixedClock(NOW), responder_url="http://proxy/ocsp"
    )
    ocsp, crl = await status.statuses(
        "CP-1", [query(Source.OCSP, "http://a/", "http://b/"), query(Source.CRL, "http://c/")]
    )
    # The configured responder replaces the station's.
    assert responder.asked == ["http://proxy/ocsp"]
    assert ocsp.revocation is None and "http://proxy/ocsp did not answer" in ocsp.reason
    assert crl.revocation is None and "answered HTTP 404" in crl.reason
    assert ocsp.next_update == NOW + NO_NEXT_UPDATE


class Silent:
    async def ask(self, url: str, request: bytes) -> bytes:
        await asyncio.sleep(60)
        raise AssertionError("never answers")


async def test_a_certificate_without_an_answer_in_time_is_failed() -> None:
    status = CertificateChainStatus(Silent(), Crls({}), FixedClock(NOW), budget=0.05)
    (answer,) = await status.statuses("CP-1", [query(Source.OCSP, "http://slow/")])
    assert answer.revocation is None and answer.reason == "no answer within 0.05 s"
