"""GetChargingProfiles (OCPP 2.0.1 K09): the station reports the profiles it holds that
match every criterion, in ReportChargingProfiles parts after its answer; the same for
2.0.1 and 2.1."""

from __future__ import annotations

from typing import Any

from simulator.charging_profiles import ChargingProfile
from simulator.station import on
from simulator.v2.management import PURPOSES
from simulator.v2.station import StationV2

# The profiles of one report part: few, so that a station holding several sends several
# parts (tbc), as real stations bound their messages.
PROFILES_PER_PART = 2
# Every profile here was set by the CSMS (K01): its source is CSO.
SOURCE = "CSO"
WORDS = {purpose: word for word, purpose in PURPOSES.items()}


def matches(profile: ChargingProfile, evse_id: int | None, criterion: dict[str, Any]) -> bool:
    """K09: the profile is on the EVSE asked (every EVSE when none), and matches each
    criterion given."""
    ids = criterion.get("charging_profile_id")
    sources = criterion.get("charging_limit_source")
    purpose = criterion.get("charging_profile_purpose")
    stack_level = criterion.get("stack_level")
    return (
        (evse_id is None or profile.connector_id == evse_id)
        and (purpose is None or WORDS[profile.purpose] == purpose)
        and (stack_level is None or profile.stack_level == stack_level)
        and (not ids or profile.id in ids)
        and (not sources or SOURCE in sources)
    )


def reported(profile: ChargingProfile) -> dict[str, Any]:
    """The profile as a 2.x ChargingProfileType: absolute when its schedule has a start."""
    schedule = profile.schedule
    periods = []
    for period in schedule.periods:
        item: dict[str, Any] = {"start_period": period.start, "limit": period.limit}
        if period.phases is not None:
            item["number_phases"] = period.phases
        periods.append(item)
    charging_schedule: dict[str, Any] = {
        "id": profile.id,
        "charging_rate_unit": schedule.unit,
        "charging_schedule_period": periods,
    }
    if schedule.start is not None:
        charging_schedule["start_schedule"] = schedule.start
    if schedule.duration is not None:
        charging_schedule["duration"] = schedule.duration
    return {
        "id": profile.id,
        "stack_level": profile.stack_level,
        "charging_profile_purpose": WORDS[profile.purpose],
        "charging_profile_kind": "Absolute" if schedule.start is not None else "Relative",
        "charging_schedule": [charging_schedule],
    }


class SmartChargingHandlers(StationV2):
    @on("GetChargingProfiles")
    def on_get_charging_profiles(self, **payload: Any) -> Any:
        """K09: Accepted and the report parts follow, or NoProfiles when none match."""
        evse_id = payload.get("evse_id")
        criterion = payload["charging_profile"]
        found = sorted(
            (
                profile
                for profile in self.state.profiles.installed.values()
                if matches(profile, evse_id, criterion)
            ),
            key=lambda profile: (profile.connector_id, profile.id),
        )
        status = "Accepted" if found else "NoProfiles"
        if found:
            self.after_answer("report", self._report(payload["request_id"], found))
        answer = self.results.GetChargingProfiles(status=status)
        return self.heard("GetChargingProfiles", payload, answer, f"{status} ({len(found)})")

    async def _report(self, request_id: int, profiles: list[ChargingProfile]) -> None:
        """One part per EVSE and at most PROFILES_PER_PART profiles, tbc on all but the
        last (K09.FR.03: the parts carry the request's id)."""
        parts = [
            (evse_id, chunk)
            for evse_id in sorted({profile.connector_id for profile in profiles})
            for chunk in _chunks([p for p in profiles if p.connector_id == evse_id])
        ]
        for index, (evse_id, chunk) in enumerate(parts):
            tbc = index < len(parts) - 1
            request = self.uplink.calls.ReportChargingProfiles(
                request_id=request_id,
                charging_limit_source=SOURCE,
                evse_id=evse_id,
                charging_profile=[reported(profile) for profile in chunk],
                tbc=tbc,
            )
            await self.uplink.link.send(
                request,
                f"requestId={request_id} evseId={evse_id} {len(chunk)} profiles tbc={tbc}",
                lambda _: "ok",
            )


def _chunks(profiles: list[ChargingProfile]) -> list[list[ChargingProfile]]:
    return [
        profiles[index : index + PROFILES_PER_PART]
        for index in range(0, len(profiles), PROFILES_PER_PART)
    ]
