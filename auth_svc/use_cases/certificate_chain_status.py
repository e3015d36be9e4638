"""OCPP 2.1 GetCertificateChainStatus: the status of each certificate a station asks
about, from the source it names (OCSP responder or CRL), trying its URLs in order. A
certificate no URL gives a believable answer for is Failed, with the reason."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from cryptography import x509

from auth_svc.domain.certificate_chain_status import (
    CrlError,
    Source,
    StatusAnswer,
    StatusQuery,
    crl_answer,
)
from auth_svc.domain.contract_certificate import OcspResponseError, ocsp_answer, ocsp_request
from auth_svc.ports import CrlSource, OcspResponder, PartyUnavailable
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)

# nextUpdate is required in every answer; an answer without one (a Failed one, or a
# responder that gives none) holds for this long.
NO_NEXT_UPDATE = timedelta(minutes=5)


class CertificateChainStatus:
    def __init__(
        self,
        responder: OcspResponder,
        crls: CrlSource,
        clock: Clock,
        *,
        trusted: Sequence[x509.Certificate] = (),
        responder_url: str = "",
        budget: float = 3.0,
    ) -> None:
        self._responder = responder
        self._crls = crls
        self._clock = clock
        self._trusted = tuple(trusted)
        self._responder_url = responder_url
        self._budget = budget

    async def statuses(
        self, charge_point_id: str, queries: Sequence[StatusQuery]
    ) -> list[StatusAnswer]:
        """Every certificate at once, each within the budget (seconds): the station's answer
        must come within one deadline, however many URLs it names."""
        return list(
            await asyncio.gather(*(self._bounded(charge_point_id, query) for query in queries))
        )

    async def _bounded(self, charge_point_id: str, query: StatusQuery) -> StatusAnswer:
        try:
            async with asyncio.timeout(self._budget):
                return await self._status(charge_point_id, query)
        except TimeoutError:
            now = self._clock.now()
            reason = f"no answer within {self._budget:g} s"
            return StatusAnswer(query, None, now + NO_NEXT_UPDATE, reason)

    async def _status(self, charge_point_id: str, query: StatusQuery) -> StatusAnswer:
        now = self._clock.now()
        reasons: list[str] = []
        urls = (
            (self._responder_url,)
            if query.source is Source.OCSP and self._responder_url
            else query.urls
        )
        for url in urls:
            try:
                if query.source is Source.OCSP:
                    answer = await self._responder.ask(url, ocsp_request(query.certificate))
                    found, until = ocsp_answer(answer, query.certificate, now, self._trusted)
                else:
                    crl = await self._crls.fetch(url)
                    found, until = crl_answer(crl, query.certificate, now, self._trusted)
            except (PartyUnavailable, OcspResponseError, CrlError) as error:
                reasons.append(str(error))
                continue
            return StatusAnswer(query, found, until or now + NO_NEXT_UPDATE)
        reason = "; ".join(reasons) or "no URL to ask"
        LOG.warning(
            "charge_point=%s GetCertificateChainStatus serial=%s failed: %s",
            charge_point_id,
            query.certificate.serial_number,
            reason,
        )
        return StatusAnswer(query, None, now + NO_NEXT_UPDATE, reason)
