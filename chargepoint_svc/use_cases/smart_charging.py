"""The operations on smart charging as stations report it (OCPP 2.0.1 K09, K12, K13, K15,
K17), and the reads operators use to see it. Each is one unit of work."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from chargepoint_svc.domain.charge_point import Admission, ChargePointId, parse_charge_point_id
from chargepoint_svc.domain.charging_needs import ChargingNeeds, Schedule, SchedulePeriod, plan
from chargepoint_svc.domain.charging_needs import site_limit as lowest_limit
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    NeedsRecord,
    PeriodLimit,
    station_limit,
    within_offer,
)
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.ports import UnitOfWork
from chargepoint_svc.use_cases.charge_points import registered
from servicekit.clock import Clock
from servicekit.timestamps import as_utc

LOG = logging.getLogger(__name__)

# Built from what the request carries, the station and the time of receipt.
ProfileDraft = Callable[[ChargePointId, datetime], HeldProfile]
LimitDraft = Callable[[ChargePointId, datetime], ChargingLimit]


@dataclass(frozen=True)
class NeedsDraft:
    """NotifyEVChargingNeeds (K15) as the use case needs it."""

    evse_id: int
    energy_transfer: str
    needs: ChargingNeeds


@dataclass(frozen=True)
class EVSchedule:
    """NotifyEVChargingSchedule (K17): the EV's periods in watts from ``start``, and the
    schedule as reported (JSON) to keep."""

    evse_id: int
    start: datetime
    periods: tuple[PeriodLimit, ...]
    document: str


def schedule_document(schedule: Schedule) -> str:
    """The offered schedule, as kept with the needs."""
    return json.dumps(
        {
            "start": schedule.start.isoformat(),
            "duration": schedule.duration_seconds,
            "periods": [[period.start_seconds, period.limit_w] for period in schedule.periods],
        }
    )


def schedule_from_document(document: str) -> Schedule | None:
    if not document:
        return None
    data = json.loads(document)
    return Schedule(
        as_utc(datetime.fromisoformat(data["start"])),
        data["duration"],
        tuple(SchedulePeriod(start, limit) for start, limit in data["periods"]),
    )


class SmartChargingUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        admission: Admission,
        site_limit_w: float | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._admission = admission
        self._site_limit_w = site_limit_w

    def now(self) -> datetime:
        return self._clock.now()

    async def record_profiles(self, charge_point_id: str, drafts: Sequence[ProfileDraft]) -> None:
        """A ReportChargingProfiles part (K09): each profile is held, replacing the one of
        the same EVSE and id; parts are independent (tbc only says more follow)."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.smart_charging.save_profiles([draft(cp_id, now) for draft in drafts])
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def record_limit(self, charge_point_id: str, draft: LimitDraft) -> None:
        """NotifyChargingLimit (K12): the limit of that source on that EVSE, in force until
        the station clears it."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.smart_charging.save_limit(draft(cp_id, now))
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def record_cleared_limit(
        self, charge_point_id: str, source: str, evse_id: int | None
    ) -> None:
        """ClearedChargingLimit (K13): the limits of ``source`` on ``evse_id`` (None: the
        request named no EVSE, so none of that source is known to remain) end."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.smart_charging.clear_limits(cp_id, source, evse_id)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()

    async def record_needs(self, charge_point_id: str, draft: NeedsDraft) -> Schedule:
        """NotifyEVChargingNeeds (K15): kept, and the schedule the transaction's TxProfile
        gets (K15.FR.03), within the EV's limits and the lowest site limit: the station's
        external limits in force on that EVSE, the operator's limit of the station, and
        CSMS_SITE_LIMIT_W."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            limits = await uow.smart_charging.limits(cp_id)
            site = lowest_limit(
                station_limit(limits, draft.evse_id),
                await uow.smart_charging.site_limit(cp_id),
                self._site_limit_w,
            )
            # From a whole second: stations carry times to the millisecond at best, and the
            # EV's schedule (K17) is compared against this start.
            schedule = plan(draft.needs, site, now.replace(microsecond=0))
            record = NeedsRecord(
                charge_point_id=cp_id,
                evse_id=draft.evse_id,
                energy_transfer=draft.energy_transfer,
                energy_wh=draft.needs.energy_wh,
                max_power_w=draft.needs.max_power_w,
                departure=draft.needs.departure,
                reported_at=now,
                offered=schedule_document(schedule),
            )
            await uow.smart_charging.save_needs(record)
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()
        LOG.info(
            "charge point %s EVSE %d: EV needs %s Wh; offered %s W",
            cp_id,
            draft.evse_id,
            draft.needs.energy_wh,
            schedule.periods[0].limit_w,
        )
        return schedule

    async def record_ev_schedule(self, charge_point_id: str, ev: EVSchedule) -> bool:
        """NotifyEVChargingSchedule (K17): kept; True (Accepted) when it stays within the
        schedule offered for the EV's needs on that EVSE, False when it does not or when
        none was offered (the CSMS cannot vouch for a schedule it never gave)."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            found = {record.evse_id: record for record in await uow.smart_charging.needs(cp_id)}
            record = found.get(ev.evse_id)
            offered = None if record is None else schedule_from_document(record.offered)
            accepted = offered is not None and within_offer(ev.periods, offered, ev.start)
            if record is not None:
                await uow.smart_charging.save_needs(
                    replace(record, ev_schedule=ev.document, ev_schedule_accepted=accepted)
                )
            await uow.charge_points.update(stored.seen(now))
            await uow.commit()
        return accepted

    async def set_site_limit(self, charge_point_id: str, max_power_w: float) -> float | None:
        """The operator's power limit of a station; 0 removes it. The limit now in force."""
        if not math.isfinite(max_power_w) or max_power_w < 0:
            raise InvalidReport(
                "max_power_w must be 0 (no limit of the station's own) or more watts, "
                f"got {max_power_w}"
            )
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            await _known(uow, charge_point_id)
            await uow.smart_charging.set_site_limit(cp_id, max_power_w or None)
            await uow.commit()
        return max_power_w or None

    async def site_limit(self, charge_point_id: str) -> float | None:
        async with self._unit_of_work() as uow:
            await _known(uow, charge_point_id)
            return await uow.smart_charging.site_limit(ChargePointId(charge_point_id))

    async def profiles(self, charge_point_id: str) -> list[HeldProfile]:
        async with self._unit_of_work() as uow:
            await _known(uow, charge_point_id)
            return await uow.smart_charging.profiles(ChargePointId(charge_point_id))

    async def limits(self, charge_point_id: str) -> list[ChargingLimit]:
        async with self._unit_of_work() as uow:
            await _known(uow, charge_point_id)
            return await uow.smart_charging.limits(ChargePointId(charge_point_id))

    async def needs(self, charge_point_id: str) -> list[NeedsRecord]:
        async with self._unit_of_work() as uow:
            await _known(uow, charge_point_id)
            return await uow.smart_charging.needs(ChargePointId(charge_point_id))


async def _known(uow: UnitOfWork, charge_point_id: str) -> None:
    if await uow.charge_points.get(ChargePointId(charge_point_id)) is None:
        raise ChargePointNotFound(charge_point_id)
