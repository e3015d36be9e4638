"""The operator's library of charging profiles, and applying one to a station: the
station gets SetChargingProfile through the edge (ADR 0005), and a profile it accepted
is among those it holds (ListStationChargingProfiles) until its next report says
otherwise. Each operation on storage is one unit of work; the station's answer is awaited
outside any."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.smart_charging import HeldProfile, LibraryProfile, library_name_problem
from chargepoint_svc.errors import (
    ChargePointNotFound,
    InvalidReport,
    LibraryProfileExists,
    LibraryProfileNotFound,
)
from chargepoint_svc.ports import StationProfiles, UnitOfWork
from servicekit.clock import Clock
from servicekit.pagination import PageRequest, next_page_token

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryPage:
    profiles: list[LibraryProfile]
    next_page_token: str


class ProfileLibrary:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: StationProfiles
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def create(self, name: str, profile_id: int, document: str) -> LibraryProfile:
        problem = library_name_problem(name)
        if problem is not None:
            raise InvalidReport(problem)
        profile = LibraryProfile(name, profile_id, document, self._clock.now())
        async with self._unit_of_work() as uow:
            if not await uow.smart_charging.add_library_profile(profile):
                raise LibraryProfileExists(name)
            await uow.commit()
        return profile

    async def get(self, name: str) -> LibraryProfile:
        async with self._unit_of_work() as uow:
            found = await uow.smart_charging.library_profile(name)
        if found is None:
            raise LibraryProfileNotFound(name)
        return found

    async def list(self, page: PageRequest) -> LibraryPage:
        async with self._unit_of_work() as uow:
            rows = await uow.smart_charging.library_page(page.after, page.size + 1)
        shown = rows[: page.size]
        last = shown[-1].name if len(rows) > page.size else None
        return LibraryPage(shown, next_page_token(last))

    async def delete(self, name: str) -> None:
        async with self._unit_of_work() as uow:
            if not await uow.smart_charging.delete_library_profile(name):
                raise LibraryProfileNotFound(name)
            await uow.commit()

    async def apply(
        self, charge_point_id: str, name: str, evse_id: int, transaction_id: int = 0
    ) -> str:
        """SetChargingProfile with the library profile ``name`` on ``evse_id``; the
        station's answer ("ACCEPTED" or "REJECTED"). Accepted, it is held by the station
        from now on (K01.FR.05: it replaces a held profile of the same id)."""
        if evse_id < 0:
            raise InvalidReport(f"evse_id must be 0 (the whole station) or more, got {evse_id}")
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
            profile = await uow.smart_charging.library_profile(name)
        if profile is None:
            raise LibraryProfileNotFound(name)
        status = await self._stations.set_charging_profile(
            charge_point_id, evse_id, profile.document, transaction_id
        )
        LOG.info(
            "charge point %s answered %s to library profile %s on EVSE %d",
            cp_id,
            status,
            name,
            evse_id,
        )
        if status != "ACCEPTED":
            return status
        held = HeldProfile(
            cp_id, evse_id, profile.profile_id, "CSO", profile.document, self._clock.now()
        )
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is not None:
                await uow.smart_charging.save_profiles([held])
                await uow.commit()
        return status

    async def clear(self, charge_point_id: str, profile_id: int) -> str:
        """ClearChargingProfile of ``profile_id``; the station's answer ("ACCEPTED" or
        "UNKNOWN"). Either way the station does not hold it afterwards (Unknown: it held
        none of that id), so the CSMS forgets it."""
        if profile_id <= 0:
            raise InvalidReport(f"profile_id must be a positive profile id, got {profile_id}")
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
        status = await self._stations.clear_charging_profile(charge_point_id, profile_id)
        async with self._unit_of_work() as uow:
            await uow.smart_charging.delete_profiles(cp_id, profile_id)
            await uow.commit()
        return status
