"""What the simulated station tells the CSMS about smart charging on its own (OCPP 2.0.1
K12, K15, K17), with ``--iso15118`` and ``--external-limit``: an ISO 15118 EV's charging
needs at transaction start, the EV's own schedule once the CSMS gave it a TxProfile, and
an external limit (an energy management system's) after boot."""

from __future__ import annotations

from typing import Any

from simulator.charging_profiles import ChargingProfile
from simulator.uplink import now
from simulator.v2.uplink import UplinkV2

# The EV of ``--iso15118``: a DC car that wants 20 kWh and takes up to 50 kW.
EV_MAX_POWER_W = 50_000
EV_MAX_CURRENT_A = 125
EV_MAX_VOLTAGE_V = 400
EV_ENERGY_WH = 20_000


async def notify_needs(uplink: UplinkV2, evse_id: int) -> None:
    """K15: the EV's needs, which the CSMS answers with a TxProfile."""
    request = uplink.calls.NotifyEVChargingNeeds(
        evse_id=evse_id,
        charging_needs={
            "requested_energy_transfer": "DC",
            "dc_charging_parameters": {
                "ev_max_current": EV_MAX_CURRENT_A,
                "ev_max_voltage": EV_MAX_VOLTAGE_V,
                "ev_max_power": EV_MAX_POWER_W,
                "energy_amount": EV_ENERGY_WH,
            },
        },
    )
    await uplink.link.send(
        request,
        f"evseId={evse_id} DC {EV_ENERGY_WH} Wh, up to {EV_MAX_POWER_W} W",
        lambda r: str(r.status),
    )


async def notify_schedule(uplink: UplinkV2, evse_id: int, profile: ChargingProfile) -> None:
    """K17: the EV plans to take what the TxProfile allows, so its schedule is the
    profile's own."""
    schedule = profile.schedule
    periods: list[dict[str, Any]] = [
        {"start_period": period.start, "limit": period.limit} for period in schedule.periods
    ]
    charging_schedule: dict[str, Any] = {
        "id": profile.id,
        "charging_rate_unit": schedule.unit,
        "charging_schedule_period": periods,
    }
    if schedule.start is not None:
        charging_schedule["start_schedule"] = schedule.start
    if schedule.duration is not None:
        charging_schedule["duration"] = schedule.duration
    request = uplink.calls.NotifyEVChargingSchedule(
        time_base=schedule.start or now(), evse_id=evse_id, charging_schedule=charging_schedule
    )
    await uplink.link.send(
        request, f"evseId={evse_id} {len(periods)} periods", lambda r: str(r.status)
    )


async def notify_limit(uplink: UplinkV2, limit_w: float) -> None:
    """K12: a limit the station's energy management system set on the whole station."""
    request = uplink.calls.NotifyChargingLimit(
        charging_limit={"charging_limit_source": "EMS", "is_grid_critical": False},
        charging_schedule=[
            {
                "id": 1,
                "charging_rate_unit": "W",
                "charging_schedule_period": [{"start_period": 0, "limit": limit_w}],
            }
        ],
    )
    await uplink.link.send(request, f"EMS {limit_w:g} W on the whole station", lambda _: "ok")
