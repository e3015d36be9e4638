"""auth_svc.use_cases.contract_certificates over fakes of the outside parties: which
responder is asked about what, when it stops asking, and that a missing or refusing
party is an answer (NoCertificateAvailable, Failed), never an acceptance."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth_svc.adapters.memory import MemoryStore
from auth_svc.domain.contract_certificate import (
    CertificateId,
    CertificateStatus,
    ContractCertificate,
)
from auth_svc.domain.id_tag import AuthorizationStatus, IdTagFields, Purpose
from auth_svc.errors import InvalidRequest
from auth_svc.ports import PartyUnavailable
from auth_svc.use_cases import IdTagUseCases
from auth_svc.use_cases.contract_certificates import (
    ContractCertificates,
    ExiAnswer,
    Failed,
)
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def entry(serial: str, url: str = "http://responder.test/") -> CertificateId:
    return CertificateId("SHA256", "aa" * 32, "bb" * 32, serial, url)


class FakeResponder:
    """Remembers where it was asked; says nothing usable (so every check that reaches it
    ends NoCertificateAvailable) unless told to fail outright."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def ask(self, url: str, request: bytes) -> bytes:
        self.asked.append(url)
        if "down" in url:
            raise PartyUnavailable(f"the OCSP responder {url} did not answer")
        return b"not an OCSP response"


class FakeContractService:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.received: list[tuple[str, str, str, str]] = []

    async def exchange(
        self, charge_point_id: str, schema_version: str, action: str, exi_request: str
    ) -> str:
        self.received.append((charge_point_id, schema_version, action, exi_request))
        if self.refuse:
            raise PartyUnavailable("the contract certificate service refused: no contract")
        return "RESPONSE"


async def certificates(
    responder: FakeResponder, *, url: str = "", service: FakeContractService | None = None
) -> ContractCertificates:
    store = MemoryStore()
    id_tags = IdTagUseCases(store.unit_of_work, FixedClock(NOW), _NoTransactions())
    await id_tags.create_id_tag(
        IdTagFields("EMAID-1", AuthorizationStatus.ACCEPTED, expires_at=None, parent_id_tag=None)
    )
    return ContractCertificates(
        store.unit_of_work,
        id_tags,
        responder,
        FixedClock(NOW),
        responder_url=url,
        contract_service=service,
    )


class _NoTransactions:
    async def count_active(self, id_tag: str) -> int:
        return 0


async def test_an_unusable_answer_is_no_certificate_available_and_not_accepted() -> None:
    responder = FakeResponder()
    use_cases = await certificates(responder)
    contract = ContractCertificate((entry("01"), entry("02")), "")
    info, status = await use_cases.authorize("EMAID-1", Purpose.AUTHORIZE, contract)
    assert status is CertificateStatus.NO_CERTIFICATE_AVAILABLE
    assert info.status is AuthorizationStatus.INVALID
    # Every certificate is asked about at once.
    assert responder.asked == ["http://responder.test/", "http://responder.test/"]


async def test_the_configured_responder_replaces_the_stations() -> None:
    responder = FakeResponder()
    use_cases = await certificates(responder, url="http://proxy.test/ocsp")
    await use_cases.check(ContractCertificate((entry("01"),), ""))
    assert responder.asked == ["http://proxy.test/ocsp"]


async def test_nothing_to_check_is_no_certificate_available() -> None:
    use_cases = await certificates(FakeResponder())
    assert (
        await use_cases.check(ContractCertificate((), ""))
        is CertificateStatus.NO_CERTIFICATE_AVAILABLE
    )


async def test_get_certificate_status_fails_with_the_reason() -> None:
    use_cases = await certificates(FakeResponder())
    down = await use_cases.certificate_status(entry("01", "http://down.test/"))
    assert down == Failed("the OCSP responder http://down.test/ did not answer")
    garbage = await use_cases.certificate_status(entry("01"))
    assert isinstance(garbage, Failed) and "not an OCSP response" in garbage.reason
    with pytest.raises(InvalidRequest, match="serial_number 'XYZ' is not hexadecimal"):
        await use_cases.certificate_status(entry("XYZ"))


async def test_ev_certificates_go_to_the_service_when_there_is_one() -> None:
    none = await certificates(FakeResponder())
    assert await none.ev_certificate("CP-1", "urn:x", "Install", "AAEC") == Failed(
        "no contract certificate service is configured (CSMS_CONTRACT_CERTIFICATE_URL)"
    )
    service = FakeContractService()
    use_cases = await certificates(FakeResponder(), service=service)
    assert await use_cases.ev_certificate("CP-1", "urn:x", "Update", "AAEC") == ExiAnswer(
        "RESPONSE"
    )
    assert service.received == [("CP-1", "urn:x", "Update", "AAEC")]
    refusing = await certificates(FakeResponder(), service=FakeContractService(refuse=True))
    refused = await refusing.ev_certificate("CP-1", "urn:x", "Install", "AAEC")
    assert refused == Failed("the contract certificate service refused: no contract")
    with pytest.raises(InvalidRequest, match="action 'Renew' is not one of Install, Update"):
        await use_cases.ev_certificate("CP-1", "urn:x", "Renew", "AAEC")
    with pytest.raises(InvalidRequest, match="exi_request is required"):
        await use_cases.ev_certificate("CP-1", "urn:x", "Install", "")
