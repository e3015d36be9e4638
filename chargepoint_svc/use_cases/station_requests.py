"""The requests the CSMS sends stations and the reports they send back about them: log
uploads (OCPP 2.0.1 N01, 1.6 GetDiagnostics §5.9) and customer information (N09-N10).

As with reservations (ADR 0005), no database transaction is held while a station answers:
the request is committed first (which allocates its requestId), sent through the edge,
and the answer written in a second unit of work. A request that could not be sent stays
on record as NotSent with the reason, and the edge's error is raised as it came.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from chargepoint_svc.domain.charge_point import ChargePointId, parse_charge_point_id
from chargepoint_svc.domain.station_requests import (
    REPORTS_PER_REQUEST,
    STATUS_MAX_LENGTH,
    AssembledReport,
    RequestKind,
    RequestReport,
    StationRequest,
    assemble,
    bounded_text,
    next_request_id,
)
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport, StationRequestNotFound
from chargepoint_svc.ports import StationRequestCalls, UnitOfWork
from servicekit.clock import Clock
from servicekit.errors import ServiceError

LOG = logging.getLogger(__name__)

# The log status of a station that uploads nothing (1.6 DiagnosticsStatus, 2.0.1
# UploadLogStatusEnumType).
IDLE = "Idle"


@dataclass(frozen=True)
class RequestWithReports:
    request: StationRequest
    reports: tuple[RequestReport, ...]

    def assembled(self) -> AssembledReport:
        return assemble(self.reports)


class StationRequestUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: StationRequestCalls
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def request_log(
        self, charge_point_id: str, details: Mapping[str, Any], requested_by: str
    ) -> RequestWithReports:
        """GetLog (N01) / GetDiagnostics: stored, sent, the answer and file name kept."""
        if not details.get("location"):
            raise InvalidReport(
                "location is required: the URL the station uploads the log to, "
                "e.g. ftp://example.com/logs/"
            )
        return await self._send(
            charge_point_id, RequestKind.LOG, details, requested_by, self._stations.get_log
        )

    async def request_customer_information(
        self, charge_point_id: str, details: Mapping[str, Any], requested_by: str
    ) -> RequestWithReports:
        """CustomerInformation (N09 report, N10 clear)."""

        async def send(request: StationRequest) -> tuple[str, str]:
            return await self._stations.customer_information(request), ""

        return await self._send(
            charge_point_id, RequestKind.CUSTOMER_INFORMATION, details, requested_by, send
        )

    async def request_display_messages(
        self, charge_point_id: str, details: Mapping[str, Any]
    ) -> StationRequest:
        """GetDisplayMessages (O04): the station reports in NotifyDisplayMessages."""

        async def send(request: StationRequest) -> tuple[str, str]:
            return await self._stations.get_display_messages(request), ""

        sent = await self._send(charge_point_id, RequestKind.DISPLAY_MESSAGES, details, "", send)
        return sent.request

    async def _send(
        self,
        charge_point_id: str,
        kind: RequestKind,
        details: Mapping[str, Any],
        requested_by: str,
        send: Callable[[StationRequest], Awaitable[tuple[str, str]]],
    ) -> RequestWithReports:
        cp_id = parse_charge_point_id(charge_point_id)
        bounded_text("requested_by", requested_by, 255)
        async with self._unit_of_work() as uow:
            # The lock makes two concurrent requests take different requestIds.
            if await uow.charge_points.lock(cp_id) is None:
                raise ChargePointNotFound(cp_id)
            request = StationRequest(
                charge_point_id=cp_id,
                kind=kind,
                request_id=next_request_id(await uow.station_requests.highest_request_id(cp_id)),
                requested_at=self._clock.now(),
                details=MappingProxyType(dict(details)),
                requested_by=requested_by,
            )
            await uow.station_requests.add(request)
            await uow.commit()
        try:
            answer, file_name = await send(request)
        except ServiceError as error:
            LOG.warning(
                "charge_point_id=%s %s request %d could not be sent: %s",
                cp_id,
                kind.value,
                request.request_id,
                error,
            )
            await self._save(request.not_sent(str(error)))
            raise
        answered = request.answered(answer[:STATUS_MAX_LENGTH], file_name[:255])
        await self._save(answered)
        return await self._with_reports(answered)

    async def _save(self, request: StationRequest) -> None:
        async with self._unit_of_work() as uow:
            await uow.station_requests.save(request)
            await uow.commit()

    async def _with_reports(self, request: StationRequest) -> RequestWithReports:
        async with self._unit_of_work() as uow:
            reports = await uow.station_requests.reports(
                request.charge_point_id, request.kind, request.request_id
            )
            stored = await uow.station_requests.get(
                request.charge_point_id, request.kind, request.request_id
            )
        return RequestWithReports(stored or request, tuple(reports))

    async def get(
        self, charge_point_id: str, kind: RequestKind, request_id: int
    ) -> RequestWithReports:
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            found = await uow.station_requests.get(cp_id, kind, request_id)
            if found is None:
                raise StationRequestNotFound(cp_id, kind.value, request_id)
            reports = await uow.station_requests.reports(cp_id, kind, request_id)
        return RequestWithReports(found, tuple(reports))

    async def page(
        self, charge_point_id: str, kind: RequestKind, before: int | None, limit: int
    ) -> list[RequestWithReports]:
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            found = await uow.station_requests.page(cp_id, kind, before, limit)
            return [
                RequestWithReports(
                    request,
                    tuple(await uow.station_requests.reports(cp_id, kind, request.request_id)),
                )
                for request in found
            ]

    async def record_log_status(self, charge_point_id: str, request_id: int, status: str) -> bool:
        """A LogStatusNotification (N01.FR.xx) or 1.6 DiagnosticsStatusNotification, added to
        the history of its request. 1.6 has no requestId, and a 2.x station omits it when
        the notification was triggered (F06): it counts against the station's latest log
        request. False, and nothing kept, when there is no such request (one sent around
        this service, e.g. through EdgeService): the charge point's latest status is kept
        by the caller anyway.

        An Idle status without requestId is the answer to a TriggerMessage (OCPP 1.6 §4.4,
        2.0.1 F06/N01: Idle is sent only when triggered, and no upload is in progress): it
        says nothing about a request and is not added to one."""
        if request_id <= 0 and status == IDLE:
            return False
        return await self._record(
            charge_point_id,
            RequestKind.LOG,
            request_id,
            lambda now: RequestReport(
                received_at=now, status=bounded_text("status", status, STATUS_MAX_LENGTH)
            ),
        )

    async def record_customer_information(
        self,
        charge_point_id: str,
        request_id: int,
        part: Callable[[datetime], RequestReport],
    ) -> bool:
        """One NotifyCustomerInformation part (N09.FR.xx); False when no such request."""
        return await self._record(
            charge_point_id, RequestKind.CUSTOMER_INFORMATION, request_id, part
        )

    async def _record(
        self,
        charge_point_id: str,
        kind: RequestKind,
        request_id: int,
        report: Callable[[datetime], RequestReport],
    ) -> bool:
        cp_id: ChargePointId = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        made = report(now)
        async with self._unit_of_work() as uow:
            if request_id > 0:
                found = await uow.station_requests.get(cp_id, kind, request_id)
            else:
                found = await uow.station_requests.latest(cp_id, kind)
            if found is None:
                LOG.info(
                    "charge_point_id=%s %s report for request %d, which the CSMS does not "
                    "know; not kept with a request",
                    cp_id,
                    kind.value,
                    request_id,
                )
                return False
            kept = await uow.station_requests.reports(cp_id, kind, found.request_id)
            if len(kept) >= REPORTS_PER_REQUEST:
                LOG.warning(
                    "charge_point_id=%s %s request %d has %d reports already; not kept",
                    cp_id,
                    kind.value,
                    found.request_id,
                    len(kept),
                )
                return False
            await uow.station_requests.add_report(cp_id, kind, found.request_id, made)
            await uow.commit()
        return True
