"""The operations on what stations report: NotifyReport parts that build the device model
(and settle a base report owed for admission), security events and monitoring events,
and the reads operators use to see them. Each is one unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.base_report import admits_on_completion
from chargepoint_svc.domain.charge_point import Admission, ChargePointId, parse_charge_point_id
from chargepoint_svc.domain.device_model import (
    DeviceModel,
    ReportedVariable,
    ReportPart,
    merge_values,
)
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.ports import UnitOfWork
from chargepoint_svc.use_cases.charge_points import registered
from servicekit.clock import Clock
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest, next_page_token

LOG = logging.getLogger(__name__)

# Built by the use cases from what the request carries and the time of receipt.
SecurityEventDraft = Callable[[ChargePointId, datetime], SecurityEvent]
StationEventDraft = Callable[[ChargePointId, datetime], StationEvent]


@dataclass(frozen=True)
class SecurityEventPage:
    security_events: list[SecurityEvent]
    next_page_token: str


@dataclass(frozen=True)
class StationEventPage:
    events: list[StationEvent]
    next_page_token: str


def _before(page: PageRequest) -> int | None:
    """The sequence a page of events starts below; tokens hold the last one shown."""
    if page.after is None:
        return None
    if not page.after.isdigit():
        raise InvalidArgument(
            "page_token is not a token this API gave out; pass next_page_token unchanged"
        )
    return int(page.after)


class StationReportUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, admission: Admission
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._admission = admission

    async def record_report(self, charge_point_id: str, part: ReportPart) -> bool:
        """A NotifyReport part (OCPP 2.0.1 B07/B08): store its variables; on the last part
        (``tbc`` false) the report is complete. True: it settled a base report the station
        owed and the station is Accepted now (see :mod:`chargepoint_svc.domain.base_report`)."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.device_models.save(cp_id, part.distinct_variables(), now)
            admit = False
            if part.completes:
                admit = admits_on_completion(
                    stored.registration_status,
                    self._admission.base_report,
                    base_report_owed=stored.base_report_owed,
                )
                changed = stored.report_completed(now, admit=admit)
            else:
                changed = stored.seen(now)
            await uow.charge_points.update(changed)
            await uow.commit()
        if admit:
            LOG.info(
                "charge point %s sent its base report (request %d); accepted",
                cp_id,
                part.request_id,
            )
        return admit

    async def record_variable_results(
        self, charge_point_id: str, answered: Sequence[ReportedVariable]
    ) -> None:
        """Values a station read (GetVariables, B06) or took (SetVariables, B05) are its
        device model's values from now on; what it reported about them otherwise stays."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            known = await uow.device_models.variables(cp_id)
            await uow.device_models.save(cp_id, merge_values(known, answered), now)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def record_security_event(self, charge_point_id: str, draft: SecurityEventDraft) -> None:
        """A SecurityEventNotification (OCPP 2.0.1 A04): kept for operators."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        event = draft(cp_id, now)
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.security_events.add(event)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def record_events(
        self, charge_point_id: str, seq_no: int, drafts: Sequence[StationEventDraft]
    ) -> None:
        """A NotifyEvent part (OCPP 2.0.1 N07): its events are kept; parts are independent."""
        if seq_no < 0:
            raise InvalidReport(f"seq_no must be 0 or more (the first part is 0), got {seq_no}")
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        events = [draft(cp_id, now) for draft in drafts]
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.station_events.add(events)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def get_device_model(self, charge_point_id: str) -> DeviceModel:
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            stored = await uow.charge_points.get(cp_id)
            if stored is None:
                raise ChargePointNotFound(charge_point_id)
            variables = await uow.device_models.variables(cp_id)
        return DeviceModel(cp_id, stored.reported_at, tuple(variables))

    async def list_security_events(
        self, charge_point_id: str, page: PageRequest
    ) -> SecurityEventPage:
        """Newest (latest received) first."""
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
            rows = await uow.security_events.page(cp_id, _before(page), page.size + 1)
        shown = rows[: page.size]
        last = str(shown[-1].sequence) if len(rows) > page.size else None
        return SecurityEventPage(shown, next_page_token(last))

    async def list_events(self, charge_point_id: str, page: PageRequest) -> StationEventPage:
        """Newest (latest received) first."""
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
            rows = await uow.station_events.page(cp_id, _before(page), page.size + 1)
        shown = rows[: page.size]
        last = str(shown[-1].sequence) if len(rows) > page.size else None
        return StationEventPage(shown, next_page_token(last))
