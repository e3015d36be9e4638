"""The in-memory twin of the SQL smart charging repository
(:mod:`chargepoint_svc.adapters.sql_smart_charging`): what stations hold and what limits
them, EV needs, the profile library, site limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chargepoint_svc.adapters.memory_checks import require_charge_point
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    LibraryProfile,
    NeedsRecord,
)

if TYPE_CHECKING:
    from chargepoint_svc.adapters.memory import MemoryStore


class MemorySmartChargingRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def save_profiles(self, profiles: Sequence[HeldProfile]) -> None:
        for profile in profiles:
            require_charge_point(self._store, profile.charge_point_id)
            key = (profile.charge_point_id, profile.evse_id, profile.profile_id)
            self._store.held_profiles[key] = profile

    async def profiles(self, charge_point_id: ChargePointId) -> list[HeldProfile]:
        held = self._store.held_profiles
        return [held[key] for key in sorted(held) if key[0] == charge_point_id]

    async def delete_profiles(self, charge_point_id: ChargePointId, profile_id: int) -> None:
        self._store.held_profiles = {
            key: held
            for key, held in self._store.held_profiles.items()
            if not (key[0] == charge_point_id and key[2] == profile_id)
        }

    async def save_limit(self, limit: ChargingLimit) -> None:
        require_charge_point(self._store, limit.charge_point_id)
        key = (limit.charge_point_id, limit.evse_id, limit.source)
        self._store.charging_limits[key] = limit

    async def clear_limits(
        self, charge_point_id: ChargePointId, source: str, evse_id: int | None
    ) -> None:
        self._store.charging_limits = {
            key: limit
            for key, limit in self._store.charging_limits.items()
            if not (key[0] == charge_point_id and key[2] == source and evse_id in (None, key[1]))
        }

    async def limits(self, charge_point_id: ChargePointId) -> list[ChargingLimit]:
        limits = self._store.charging_limits
        return [limits[key] for key in sorted(limits) if key[0] == charge_point_id]

    async def save_needs(self, needs: NeedsRecord) -> None:
        require_charge_point(self._store, needs.charge_point_id)
        self._store.ev_needs[(needs.charge_point_id, needs.evse_id)] = needs

    async def needs(self, charge_point_id: ChargePointId) -> list[NeedsRecord]:
        stored = self._store.ev_needs
        return [stored[key] for key in sorted(stored) if key[0] == charge_point_id]

    async def add_library_profile(self, profile: LibraryProfile) -> bool:
        if profile.name in self._store.library:
            return False
        self._store.library[profile.name] = profile
        return True

    async def library_profile(self, name: str) -> LibraryProfile | None:
        return self._store.library.get(name)

    async def library_page(self, after: str | None, limit: int) -> list[LibraryProfile]:
        names = sorted(name for name in self._store.library if after is None or name > after)
        return [self._store.library[name] for name in names[:limit]]

    async def delete_library_profile(self, name: str) -> bool:
        return self._store.library.pop(name, None) is not None

    async def set_site_limit(
        self, charge_point_id: ChargePointId, max_power_w: float | None
    ) -> None:
        require_charge_point(self._store, charge_point_id)
        if max_power_w is None:
            self._store.site_limits.pop(charge_point_id, None)
        else:
            self._store.site_limits[charge_point_id] = max_power_w

    async def site_limit(self, charge_point_id: ChargePointId) -> float | None:
        return self._store.site_limits.get(charge_point_id)
