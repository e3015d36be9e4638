"""The operations on the monitors stations keep (OCPP 2.0.1 N02-N06): a monitoring report
replaces what is kept once complete, an operator's SetVariableMonitoring or
ClearVariableMonitoring goes to the station through the edge (ADR 0005) and what the
station accepted is kept; and operators read the monitors. Each write is one unit of work,
never held open while a station answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import Admission, ChargePointId, parse_charge_point_id
from chargepoint_svc.domain.monitors import Monitor, MonitoringReportPart, MonitorQuery
from chargepoint_svc.errors import ChargePointNotFound
from chargepoint_svc.ports import MonitorStations, UnitOfWork
from chargepoint_svc.use_cases.charge_points import registered
from csms.edge.v1 import monitoring_pb2
from servicekit.clock import Clock
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest, next_page_token

LOG = logging.getLogger(__name__)

# Built by the servicer from the request: the part's monitors need the receipt time.
ReportDraft = Callable[[ChargePointId, datetime], MonitoringReportPart]


@dataclass(frozen=True)
class MonitorPage:
    monitors: list[Monitor]
    next_page_token: str


def _after(page: PageRequest) -> int | None:
    if page.after is None:
        return None
    if not page.after.isdigit():
        raise InvalidArgument(
            "page_token is not a token this API gave out; pass next_page_token unchanged"
        )
    return int(page.after)


class MonitoringUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        admission: Admission,
        stations: MonitorStations,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._admission = admission
        self._stations = stations

    async def record_report(self, charge_point_id: str, draft: ReportDraft) -> None:
        """A NotifyMonitoringReport part (N02): its monitors are kept; with the last part
        (``tbc`` false) the report replaces every monitor it did not list."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        part = draft(cp_id, now)
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.monitors.save(part.distinct_monitors())
            if part.completes:
                await uow.monitors.delete_not_in_report(cp_id, part.request_id)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()
        if part.completes:
            LOG.info("charge point %s reported its monitors (request %d)", cp_id, part.request_id)

    async def list_monitors(
        self, charge_point_id: str, component: str, variable: str, page: PageRequest
    ) -> MonitorPage:
        """By id, optionally of one component and/or variable."""
        cp_id = ChargePointId(charge_point_id)
        query = MonitorQuery(cp_id, page.size + 1, component, variable, _after(page))
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
            rows = await uow.monitors.page(query)
        shown = rows[: page.size]
        last = str(shown[-1].id) if len(rows) > page.size else None
        return MonitorPage(shown, next_page_token(last))

    async def _known(self, charge_point_id: str) -> ChargePointId:
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
        return cp_id

    async def set_monitors(
        self, request: monitoring_pb2.SetVariableMonitoringRequest
    ) -> monitoring_pb2.SetVariableMonitoringResponse:
        """N04: the station's per-monitor answer; the monitors it accepted are kept with
        the ids it gave them (replacing the kept monitor of a replaced id)."""
        cp_id = await self._known(request.charge_point_id)
        answer, accepted = await self._stations.set_monitors(request, self._clock.now())
        if accepted:
            async with self._unit_of_work() as uow:
                await uow.monitors.save(accepted)
                await uow.commit()
            LOG.info("charge point %s accepted %d monitor(s)", cp_id, len(accepted))
        return answer

    async def clear_monitors(
        self, request: monitoring_pb2.ClearVariableMonitoringRequest
    ) -> monitoring_pb2.ClearVariableMonitoringResponse:
        """N06: the station's per-id answer; the monitors it cleared, and those it says
        it does not have (NotFound), are forgotten."""
        cp_id = await self._known(request.charge_point_id)
        answer, gone = await self._stations.clear_monitors(request)
        if gone:
            async with self._unit_of_work() as uow:
                await uow.monitors.delete(cp_id, gone)
                await uow.commit()
        return answer
