"""auth_svc.adapters.contract_certificate_service against a local stand-in keeping the
documented HTTP contract, and every way an answer is not one."""

from __future__ import annotations

from typing import Any

import pytest

from auth_svc.adapters.contract_certificate_service import HttpContractCertificateService
from auth_svc.ports import PartyUnavailable
from tests.support.plug_and_charge import EXI_RESPONSE, contract_certificate_service
from tests.support.ports import free_port


async def test_the_request_and_the_answer() -> None:
    with contract_certificate_service() as service:
        adapter = HttpContractCertificateService(service.url, 5)
        exi = await adapter.exchange("CP-1", "urn:iso:15118:2:2013:MsgDef", "Install", "AAEC")
    assert exi == EXI_RESPONSE
    assert service.received == [
        {
            "chargePointId": "CP-1",
            "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
            "action": "Install",
            "exiRequest": "AAEC",
        }
    ]


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        ({"status": "Failed", "reason": "no contract"}, 200, "refused: no contract"),
        ({"status": "Failed"}, 200, "refused: status 'Failed'"),
        ({"status": "Accepted"}, 200, "exiResponse is missing"),
        ({"status": "Accepted", "exiResponse": "A" * 7501}, 200, "longer than 7500"),
        (["not", "an", "object"], 200, "no JSON object"),
        ({"status": "Accepted", "exiResponse": "AA"}, 503, "answered HTTP 503"),
    ],
)
async def test_answers_that_are_not_a_certificate(answer: Any, status: int, words: str) -> None:
    with contract_certificate_service(answer, status) as service:
        adapter = HttpContractCertificateService(service.url, 5)
        with pytest.raises(PartyUnavailable, match=words):
            await adapter.exchange("CP-1", "urn:iso:15118:2:2013:MsgDef", "Update", "AAEC")


async def test_a_service_that_is_not_there() -> None:
    adapter = HttpContractCertificateService(f"http://127.0.0.1:{free_port()}/", 2)
    with pytest.raises(PartyUnavailable, match="did not answer"):
        await adapter.exchange("CP-1", "urn:iso:15118:2:2013:MsgDef", "Install", "AAEC")
