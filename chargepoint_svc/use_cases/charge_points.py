"""The operations on charge points, each one unit of work.

Station events (boot, heartbeat, status, ...) may come from a charge point the CSMS does
not know yet; :class:`~chargepoint_svc.domain.charge_point.Admission` decides whether it is
registered on the spot. Every event first *locks* the charge point, so two events of one
station (or two first boots racing after a power cut) change it one after the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.base_report import decide_boot
from chargepoint_svc.domain.charge_point import (
    Admission,
    BootAnswer,
    BootData,
    ChargePoint,
    ChargePointId,
    ConnectionAdmission,
    ConnectorStatusReport,
    DataTransfer,
    DataTransferAnswer,
    RegistrationStatus,
    answer_data_transfer,
    parse_charge_point_id,
    required_status,
)
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareReport
from chargepoint_svc.domain.fleet import ChargePointFilter, FleetSummary
from chargepoint_svc.errors import (
    ChargePointAlreadyExists,
    ChargePointNotFound,
    ChargePointNotRegistered,
    ConcurrentChange,
)
from chargepoint_svc.ports import UnitOfWork
from servicekit.clock import Clock
from servicekit.pagination import PageRequest, next_page_token

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChargePointPage:
    charge_points: list[ChargePoint]
    # Empty on the last page.
    next_page_token: str
    # How many charge points match the filters, on every page.
    total_size: int = 0


class ChargePointUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, admission: Admission
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._admission = admission

    async def create_charge_point(
        self, charge_point_id: str, status: RegistrationStatus | None = None
    ) -> ChargePoint:
        """Register a charge point ahead of its first connection (Accepted by default)."""
        created = ChargePoint.register(
            parse_charge_point_id(charge_point_id),
            status or RegistrationStatus.ACCEPTED,
            self._clock.now(),
        )
        async with self._unit_of_work() as uow:
            if not await uow.charge_points.add(created):
                raise ChargePointAlreadyExists(charge_point_id)
            await uow.commit()
        LOG.info("charge point %s created as %s", created.id, created.registration_status)
        return created

    async def get_charge_point(self, charge_point_id: str) -> ChargePoint:
        async with self._unit_of_work() as uow:
            found = await uow.charge_points.get(ChargePointId(charge_point_id))
        if found is None:
            raise ChargePointNotFound(charge_point_id)
        return found

    async def check_admission(self, charge_point_id: str) -> ConnectionAdmission:
        """May the charge point connect now (the edge asks at the WebSocket handshake)?"""
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            found = await uow.charge_points.get(cp_id)
        admission = self._admission.connection(
            cp_id, None if found is None else found.registration_status
        )
        if not admission.admitted:
            LOG.info("connection of unknown charge point %s refused (strict admission)", cp_id)
        return admission

    async def list_charge_points(
        self, page: PageRequest, where: ChargePointFilter | None = None
    ) -> ChargePointPage:
        """A page of the charge points ``where`` matches, by id. ``page`` was parsed with
        the filter's :attr:`~ChargePointFilter.scope`, and the next token carries it."""
        where = where or ChargePointFilter()
        async with self._unit_of_work() as uow:
            # One more than asked tells whether another page follows.
            rows = await uow.charge_points.page(page.after, page.size + 1, where)
            total = await uow.charge_points.count(where)
        shown = rows[: page.size]
        last = shown[-1].id if len(rows) > page.size else None
        return ChargePointPage(shown, next_page_token(last, where.scope), total)

    async def fleet_summary(self) -> FleetSummary:
        """The counts of the whole fleet (issue 14), for the operator console."""
        async with self._unit_of_work() as uow:
            return await uow.charge_points.summary()

    async def record_boot(self, charge_point_id: str, boot: BootData) -> BootAnswer:
        """A BootNotification (OCPP 1.6 §4.2, 2.0.1 B01): store the boot data and answer
        the charge point's registration status, registering an unknown one if the
        admission policy allows; under the strict policy an unknown one is Rejected and
        nothing is stored."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await uow.charge_points.lock(cp_id)
            if stored is None:
                status = self._admission.status_for_unknown()
                if status is None:
                    LOG.info("boot of unknown charge point %s rejected (strict admission)", cp_id)
                    return self._admission.boot_answer(RegistrationStatus.REJECTED, now)
                stored = await self._register(uow, ChargePoint.register(cp_id, status, now))
            decision = decide_boot(
                stored.registration_status,
                boot.ocpp_version,
                self._admission.base_report,
                base_report_held=stored.base_report_at is not None,
            )
            booted = stored.booted(boot, now)
            if decision.request_base_report:
                booted = booted.owing_base_report()
            await uow.charge_points.update(booted)
            await uow.commit()
        return self._admission.boot_answer(
            decision.status, now, request_base_report=decision.request_base_report
        )

    async def record_heartbeat(self, charge_point_id: str) -> datetime:
        """A Heartbeat (OCPP 1.6 §4.6, 2.0.1 G02): the charge point was seen now; the
        answer is the CSMS's current time, which stations synchronise their clocks to."""
        now = self._clock.now()
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            await self._mark_seen(uow, cp_id, now)
            await uow.commit()
        return now

    async def record_connector_status(
        self, charge_point_id: str, report: ConnectorStatusReport
    ) -> None:
        """A StatusNotification (OCPP 1.6 §4.9, 2.0.1 G01). A report older than the stored
        one is ignored (see :meth:`Connector.supersedes`); the station was seen anyway."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            await self._mark_seen(uow, cp_id, now)
            incoming = report.connector(received_at=now)
            current = await uow.charge_points.connector(cp_id, report.evse_id, report.connector_id)
            if incoming.supersedes(current):
                await uow.charge_points.save_connector(cp_id, incoming)
            else:
                LOG.info(
                    "charge point %s: status of EVSE %d connector %d from %s is older than "
                    "the stored one; ignored",
                    cp_id,
                    report.evse_id,
                    report.connector_id,
                    incoming.status_at.isoformat(),
                )
            await uow.commit()

    async def record_firmware_status(
        self, charge_point_id: str, status: str, request_id: int = 0
    ) -> None:
        """A FirmwareStatusNotification (OCPP 1.6 §4.5, 2.0.1 L01): the charge point's
        latest status, and one more step of the request's history (issue 13)."""
        text = required_status("firmware_status", status)
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        report = FirmwareReport(cp_id, FirmwareKind.UPDATE, request_id, text, now)
        async with self._unit_of_work() as uow:
            stored = await self._registered(uow, cp_id, now)
            await uow.charge_points.update(stored.with_firmware_status(text, now))
            await uow.firmware_reports.add(report)
            await uow.commit()

    async def record_diagnostics_status(self, charge_point_id: str, status: str) -> None:
        """A DiagnosticsStatusNotification (OCPP 1.6 §4.4) or 2.x LogStatusNotification."""
        text = required_status("diagnostics_status", status)
        now = self._clock.now()
        await self._change(
            charge_point_id, now, lambda stored: stored.with_diagnostics_status(text, now)
        )

    async def record_data_transfer(
        self, charge_point_id: str, vendor_id: str, message_id: str, data: str
    ) -> DataTransferAnswer:
        """A DataTransfer from a station (OCPP 1.6 §4.3, 2.0.1 P02): answered, not stored
        here. The message journal keeps the frame, bounded like every journal entry; a
        second copy no operator could read was as much storage again for nothing."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        transfer = DataTransfer(cp_id, vendor_id, message_id, data, received_at=now)
        async with self._unit_of_work() as uow:
            stored = await self._registered(uow, cp_id, now)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()
        return answer_data_transfer(transfer)

    async def _change(
        self,
        charge_point_id: str,
        now: datetime,
        change: Callable[[ChargePoint], ChargePoint],
    ) -> None:
        """Store ``change`` of the locked, registered charge point, in one unit of work."""
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            stored = await self._registered(uow, cp_id, now)
            await uow.charge_points.update(change(stored))
            await uow.commit()

    async def _mark_seen(self, uow: UnitOfWork, cp_id: ChargePointId, now: datetime) -> None:
        """The registered charge point was seen now, in one statement when it is stored
        (the common case, every Heartbeat); an unknown one is registered as for any event."""
        if not await uow.charge_points.mark_seen(cp_id, now):
            stored = await self._registered(uow, cp_id, now)
            await uow.charge_points.update(stored.seen(now))

    async def _registered(
        self, uow: UnitOfWork, cp_id: ChargePointId, now: datetime
    ) -> ChargePoint:
        return await registered(uow, cp_id, now, self._admission)

    async def _register(self, uow: UnitOfWork, candidate: ChargePoint) -> ChargePoint:
        return await register(uow, candidate, self._admission)


async def registered(
    uow: UnitOfWork, cp_id: ChargePointId, now: datetime, admission: Admission
) -> ChargePoint:
    """The locked charge point; an unknown one is registered first if the admission
    policy allows, otherwise its event is refused."""
    stored = await uow.charge_points.lock(cp_id)
    if stored is not None:
        return stored
    status = admission.status_for_unknown()
    if status is None:
        raise ChargePointNotRegistered(cp_id)
    return await register(uow, ChargePoint.register(cp_id, status, now), admission)


async def register(uow: UnitOfWork, candidate: ChargePoint, admission: Admission) -> ChargePoint:
    """Insert ``candidate``, or build on the row another call inserted first."""
    if await uow.charge_points.add(candidate):
        LOG.info(
            "charge point %s registered as %s (admission policy %s)",
            candidate.id,
            candidate.registration_status,
            admission.policy,
        )
        return candidate
    # Another call registered it between our look-up and our insert (on PostgreSQL both
    # look-ups can miss); its row is committed now, so build on it.
    existing = await uow.charge_points.lock(candidate.id)
    if existing is None:
        raise ConcurrentChange(
            f"charge point {candidate.id} changed while it was being registered; retry"
        )
    return existing
