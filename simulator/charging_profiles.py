"""Charging profiles the CSMS installed (OCPP 1.6 §3.13, §5.5, §5.7, §5.16)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ocpp.v16.enums import (
    ChargingProfilePurposeType,
    ChargingProfileStatus,
    ClearChargingProfileStatus,
)

VOLTAGE_V = 230.0
DEFAULT_PHASES = 3
# When stack levels tie, the more specific purpose wins (§3.13.2).
PRECEDENCE = {
    ChargingProfilePurposeType.charge_point_max_profile: 0,
    ChargingProfilePurposeType.tx_default_profile: 1,
    ChargingProfilePurposeType.tx_profile: 2,
}


@dataclass(frozen=True)
class Period:
    start: int
    limit: float
    phases: int | None


@dataclass(frozen=True)
class Schedule:
    unit: str
    periods: tuple[Period, ...]
    duration: int | None = None
    start: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Schedule:
        periods = tuple(
            Period(p["start_period"], float(p["limit"]), p.get("number_phases"))
            for p in raw["charging_schedule_period"]
        )
        return cls(
            raw["charging_rate_unit"], periods, raw.get("duration"), raw.get("start_schedule")
        )


@dataclass(frozen=True)
class ChargingProfile:
    id: int
    connector_id: int
    stack_level: int
    purpose: ChargingProfilePurposeType
    schedule: Schedule
    transaction_id: int | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    @classmethod
    def parse(cls, connector_id: int, raw: dict[str, Any]) -> ChargingProfile:
        """A ``csChargingProfiles`` object as the ``ocpp`` library hands it over (snake_case)."""
        return cls(
            id=raw["charging_profile_id"],
            connector_id=connector_id,
            stack_level=raw["stack_level"],
            purpose=ChargingProfilePurposeType(raw["charging_profile_purpose"]),
            schedule=Schedule.parse(raw["charging_schedule"]),
            transaction_id=raw.get("transaction_id"),
            valid_from=_instant(raw.get("valid_from")),
            valid_to=_instant(raw.get("valid_to")),
        )

    def valid_at(self, moment: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= moment) and (
            self.valid_to is None or moment < self.valid_to
        )


@dataclass
class ChargingProfiles:
    installed: dict[int, ChargingProfile] = field(default_factory=dict)

    def install(
        self, profile: ChargingProfile, max_stack_level: int, max_installed: int
    ) -> ChargingProfileStatus:
        """SetChargingProfile (§5.16): a profile with the same id, or the same stack level and
        purpose on the same connector, is replaced (§3.13.2)."""
        if profile.stack_level > max_stack_level:
            return ChargingProfileStatus.rejected
        replaced = [
            p.id
            for p in self.installed.values()
            if p.id == profile.id
            or (
                (p.connector_id, p.stack_level, p.purpose)
                == (profile.connector_id, profile.stack_level, profile.purpose)
            )
        ]
        if len(self.installed) - len(replaced) >= max_installed:
            return ChargingProfileStatus.rejected
        for profile_id in replaced:
            del self.installed[profile_id]
        self.installed[profile.id] = profile
        return ChargingProfileStatus.accepted

    def clear(
        self,
        profile_id: int | None,
        connector_id: int | None,
        purpose: str | None,
        stack_level: int | None,
    ) -> ClearChargingProfileStatus:
        """ClearChargingProfile (§5.5): by id, or every profile matching all the criteria
        given; Unknown when nothing matched."""
        matching = [
            p.id
            for p in self.installed.values()
            if (profile_id is None or p.id == profile_id)
            and (connector_id is None or p.connector_id == connector_id)
            and (purpose is None or p.purpose == purpose)
            and (stack_level is None or p.stack_level == stack_level)
        ]
        for matched in matching:
            del self.installed[matched]
        if matching:
            return ClearChargingProfileStatus.accepted
        return ClearChargingProfileStatus.unknown

    def end_transaction(self, transaction_id: int) -> None:
        """A TxProfile ends with its transaction (§3.13.1)."""
        for profile in list(self.installed.values()):
            if profile.transaction_id == transaction_id:
                del self.installed[profile.id]

    def governing(
        self, connector_id: int, transaction_id: int | None, moment: datetime
    ) -> ChargingProfile | None:
        """The profile that limits ``connector_id`` now: the highest stack level among the
        valid ones for that connector or the whole station (connector 0). A TxProfile only
        counts while its transaction runs. Deliberately simpler than the full §3.13.3
        composition, which would combine the limits of every purpose."""
        candidates = [
            p
            for p in self.installed.values()
            if p.connector_id in (0, connector_id)
            and p.valid_at(moment)
            and (
                p.purpose != ChargingProfilePurposeType.tx_profile
                or (transaction_id is not None and p.transaction_id in (None, transaction_id))
            )
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda p: (p.stack_level, PRECEDENCE[p.purpose]))


def composite(profile: ChargingProfile, duration: int, unit: str | None) -> dict[str, Any]:
    """GetCompositeSchedule.conf's ``chargingSchedule`` (§6.29) for ``duration`` seconds, in
    ``unit`` (A or W) when asked, converting at 230 V per phase."""
    schedule = profile.schedule
    target = unit or schedule.unit
    periods = [p for p in schedule.periods if p.start < duration]
    length = duration if schedule.duration is None else min(duration, schedule.duration)
    return {
        "duration": length,
        "charging_rate_unit": target,
        "charging_schedule_period": [
            _period(p, schedule.unit, target) for p in periods or schedule.periods[:1]
        ],
    }


def _period(period: Period, unit: str, target: str) -> dict[str, Any]:
    phases = period.phases or DEFAULT_PHASES
    limit = period.limit
    if unit == "A" and target == "W":
        limit = limit * VOLTAGE_V * phases
    elif unit == "W" and target == "A":
        limit = limit / (VOLTAGE_V * phases)
    result: dict[str, Any] = {"start_period": period.start, "limit": round(limit, 1)}
    if period.phases is not None:
        result["number_phases"] = period.phases
    return result


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))
