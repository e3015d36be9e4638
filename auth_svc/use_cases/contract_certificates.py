"""ISO 15118 Plug & Charge: authorizing with a contract certificate (OCPP 2.0.1 C07), the
OCSP requests stations ask the CSMS to make (M06), and forwarding an EV's certificate
request to the contract certificate service (M01/M02).

The outside parties are ports (:class:`~auth_svc.ports.OcspResponder`,
:class:`~auth_svc.ports.ContractCertificateService`); what their answers mean is
:mod:`auth_svc.domain.contract_certificate`'s. A party that cannot be asked is an answer
(NoCertificateAvailable, Failed), never Accepted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509

from auth_svc.domain.contract_certificate import (
    REASON_LENGTH,
    SERIAL_LENGTH,
    STATUS_WORDS,
    CertificateId,
    CertificateStatus,
    Check,
    ContractCertificate,
    OcspResponseError,
    Revocation,
    certificate_id,
    contract_serial,
    ocsp_request,
    ocsp_responder_of,
    revocation,
    status_of,
    verify_chain,
    with_certificate,
)
from auth_svc.domain.id_tag import IdTokenInfo, Purpose
from auth_svc.errors import InvalidRequest
from auth_svc.ports import (
    ContractCertificateService,
    OcspResponder,
    PartyUnavailable,
    UnitOfWork,
)
from auth_svc.use_cases.id_tags import IdTagUseCases
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)

# Get15118EVCertificateRequest.action (CertificateActionEnumType).
ACTIONS = ("Install", "Update")
# ListContractCertificateChecks page_size: 0 means the default.
DEFAULT_PAGE = 100
MAX_PAGE = 1000


@dataclass(frozen=True)
class OcspAnswer:
    """The responder's DER OCSPResponse, for the station to staple (M06)."""

    response: bytes


@dataclass(frozen=True)
class Failed:
    reason: str


@dataclass(frozen=True)
class ExiAnswer:
    """The contract certificate service's EXI response (base64) for the EV."""

    exi_response: str


class ContractCertificates:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        id_tags: IdTagUseCases,
        responder: OcspResponder,
        clock: Clock,
        *,
        roots: Sequence[x509.Certificate] = (),
        responder_url: str = "",
        contract_service: ContractCertificateService | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._id_tags = id_tags
        self._responder = responder
        self._clock = clock
        self._roots = tuple(roots)
        self._responder_url = responder_url
        self._contract_service = contract_service

    async def authorize(
        self,
        id_tag: str,
        purpose: Purpose,
        contract: ContractCertificate,
        *,
        charge_point_id: str = "",
    ) -> tuple[IdTokenInfo, CertificateStatus]:
        """The identifier's decision (its stored status, as for any identifier) and the
        contract certificate's status; the identifier is not accepted unless the
        certificate is (C07)."""
        status = await self.check(contract, charge_point_id=charge_point_id)
        info = await self._id_tags.authorize(id_tag, purpose, charge_point_id=charge_point_id)
        await self._record(
            charge_point_id,
            "Authorize",
            STATUS_WORDS[status],
            id_tag=id_tag,
            serial=contract_serial(contract),
        )
        return with_certificate(info, status), status

    async def check(
        self, contract: ContractCertificate, *, charge_point_id: str = ""
    ) -> CertificateStatus:
        """Verify the chain when one is given (it names the responders itself), else use
        the station's hash data; then ask OCSP about every certificate."""
        asked: list[tuple[CertificateId, x509.Certificate | None]]
        if contract.certificate_chain:
            checked = verify_chain(contract.certificate_chain, self._roots, self._clock.now())
            if isinstance(checked, CertificateStatus):
                LOG.info(
                    "charge_point=%s contract certificate chain refused: %s",
                    charge_point_id,
                    checked.name,
                )
                return checked
            # The contract certificate is always asked about; a sub-CA only when it names
            # a responder (its chain to a trusted root is verified already).
            asked = [
                (certificate_id(certificate, issuer), issuer)
                for index, (certificate, issuer) in enumerate(checked.pairs)
                if index == 0 or ocsp_responder_of(certificate)
            ]
        else:
            asked = [(entry, None) for entry in contract.hash_data]
        if not asked:
            return CertificateStatus.NO_CERTIFICATE_AVAILABLE
        for entry, _ in asked:
            ocsp_request(entry)  # malformed hash data is the station's error, before any call
        # All at once: the station's answer must come within one deadline.
        results = await asyncio.gather(
            *(self._revocation(entry, issuer) for entry, issuer in asked), return_exceptions=True
        )
        revocations: list[Revocation] = []
        failures: list[str] = []
        for (entry, _), outcome in zip(asked, results, strict=True):
            if isinstance(outcome, Revocation):
                revocations.append(outcome)
            elif isinstance(outcome, PartyUnavailable | OcspResponseError):
                failures.append(f"serial {entry.serial_number}: {outcome}")
            else:
                raise outcome
        # A revoked certificate is the strongest news, whatever else went unanswered.
        if failures and Revocation.REVOKED not in revocations:
            LOG.warning(
                "charge_point=%s contract certificate: no OCSP status: %s",
                charge_point_id,
                "; ".join(failures),
            )
            return CertificateStatus.NO_CERTIFICATE_AVAILABLE
        status = status_of(revocations)
        LOG.info("charge_point=%s contract certificate %s", charge_point_id, status.name)
        return status

    async def certificate_status(
        self, entry: CertificateId, *, charge_point_id: str = ""
    ) -> OcspAnswer | Failed:
        """M06: the OCSP request ``entry`` describes, made for the station. The response
        is checked before it is passed on (it must answer about this certificate, be
        signed and current), whatever status it gives: the station staples it."""
        request = ocsp_request(entry)
        url = self._responder_url or entry.responder_url
        outcome: OcspAnswer | Failed
        try:
            response = await self._responder.ask(url, request)
            revocation(response, entry, self._clock.now(), self._roots)
            outcome = OcspAnswer(response)
        except (PartyUnavailable, OcspResponseError) as error:
            LOG.warning(
                "charge_point=%s GetCertificateStatus serial=%s failed: %s",
                charge_point_id,
                entry.serial_number,
                error,
            )
            outcome = Failed(str(error))
        await self._record_outcome(
            charge_point_id, "GetCertificateStatus", outcome, serial=entry.serial_number
        )
        return outcome

    async def ev_certificate(
        self, charge_point_id: str, schema_version: str, action: str, exi_request: str
    ) -> ExiAnswer | Failed:
        """M01/M02: the EV's request to the contract certificate service."""
        if action not in ACTIONS:
            raise InvalidRequest(f"action {action!r} is not one of {', '.join(ACTIONS)}")
        if not exi_request:
            raise InvalidRequest("exi_request is required")
        outcome: ExiAnswer | Failed
        if self._contract_service is None:
            outcome = Failed(
                "no contract certificate service is configured (CSMS_CONTRACT_CERTIFICATE_URL)"
            )
        else:
            try:
                outcome = ExiAnswer(
                    await self._contract_service.exchange(
                        charge_point_id, schema_version, action, exi_request
                    )
                )
            except PartyUnavailable as error:
                LOG.warning(
                    "charge_point=%s Get15118EVCertificate failed: %s", charge_point_id, error
                )
                outcome = Failed(str(error))
        await self._record_outcome(charge_point_id, "Get15118EVCertificate", outcome)
        return outcome

    async def checks(self, charge_point_id: str, limit: int) -> list[Check]:
        """The charge point's Plug & Charge checks, newest first."""
        if not charge_point_id:
            raise InvalidRequest("charge_point_id is required")
        if not 0 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"page_size {limit} is not between 0 and {MAX_PAGE}")
        async with self._unit_of_work() as uow:
            return await uow.contract_checks.newest(charge_point_id, limit or DEFAULT_PAGE)

    async def _record_outcome(
        self,
        charge_point_id: str,
        action: str,
        outcome: OcspAnswer | ExiAnswer | Failed,
        *,
        serial: str = "",
    ) -> None:
        if isinstance(outcome, Failed):
            await self._record(
                charge_point_id, action, "Failed", serial=serial, reason=outcome.reason
            )
        else:
            await self._record(charge_point_id, action, "Accepted", serial=serial)

    async def _record(
        self,
        charge_point_id: str,
        action: str,
        status: str,
        *,
        id_tag: str = "",
        serial: str = "",
        reason: str = "",
    ) -> None:
        check = Check(
            charge_point_id=charge_point_id,
            action=action,
            id_tag=id_tag,
            serial_number=serial[:SERIAL_LENGTH],
            status=status,
            reason=reason[:REASON_LENGTH],
            checked_at=self._clock.now(),
        )
        async with self._unit_of_work() as uow:
            await uow.contract_checks.add(check)
            await uow.commit()

    async def _revocation(
        self, entry: CertificateId, issuer: x509.Certificate | None
    ) -> Revocation:
        response = await self._responder.ask(
            self._responder_url or entry.responder_url, ocsp_request(entry)
        )
        known = (*self._roots, *([issuer] if issuer is not None else []))
        return revocation(response, entry, self._clock.now(), known)
