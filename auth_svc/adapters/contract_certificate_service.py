"""The contract certificate service over HTTP: the
:class:`~auth_svc.ports.ContractCertificateService` that forwards an EV's ISO 15118
certificate installation or update request (OCPP 2.0.1 M01/M02 Get15118EVCertificate) to
the mobility operator or certificate pool at ``CSMS_CONTRACT_CERTIFICATE_URL``.

The contract (docs/certificates.md, "The contract certificate service"): a POST of
``{"chargePointId", "iso15118SchemaVersion", "action": "Install"|"Update", "exiRequest"}``
(the EXI stream base64, as the station sent it), answered 200 with
``{"status": "Accepted", "exiResponse": "<base64 EXI>"}``, or with
``{"status": "Failed", "reason": "..."}`` when it will not issue one."""

from __future__ import annotations

from typing import Any

import httpx

from auth_svc.ports import PartyUnavailable

# Get15118EVCertificateResponse.exiResponse maxLength (2.0.1; 2.1 allows 17000).
MAX_EXI_RESPONSE = 7500


class HttpContractCertificateService:
    def __init__(self, url: str, timeout: float) -> None:
        self._url = url
        self._timeout = timeout

    async def exchange(
        self, charge_point_id: str, schema_version: str, action: str, exi_request: str
    ) -> str:
        body = {
            "chargePointId": charge_point_id,
            "iso15118SchemaVersion": schema_version,
            "action": action,
            "exiRequest": exi_request,
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                reply = await client.post(self._url, json=body)
        except httpx.HTTPError as error:
            raise PartyUnavailable(
                f"the contract certificate service did not answer: {error!r}"
            ) from None
        if reply.status_code != httpx.codes.OK:
            raise PartyUnavailable(
                f"the contract certificate service answered HTTP {reply.status_code}"
            )
        try:
            answer: Any = reply.json()
        except ValueError:
            raise PartyUnavailable("the contract certificate service answered no JSON") from None
        if not isinstance(answer, dict):
            raise PartyUnavailable("the contract certificate service answered no JSON object")
        if answer.get("status") != "Accepted":
            reason = answer.get("reason") or f"status {answer.get('status')!r}"
            raise PartyUnavailable(f"the contract certificate service refused: {reason}")
        exi = answer.get("exiResponse")
        if not isinstance(exi, str) or not exi or len(exi) > MAX_EXI_RESPONSE:
            raise PartyUnavailable(
                "the contract certificate service's exiResponse is missing or longer than "
                f"{MAX_EXI_RESPONSE} characters"
            )
        return exi
