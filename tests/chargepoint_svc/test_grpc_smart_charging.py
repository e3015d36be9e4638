"""Smart charging as stations report it (OCPP 2.0.1 K09, K12, K13, K15, K17) through the
real server, over SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as cp_pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.chargepoint.v1 import smart_charging_pb2 as pb
from csms.edge.v1 import smart_charging_pb2 as edge_pb
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.settings import Settings

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

StartService = Callable[[float | None], Awaitable["Stub"]]
W = edge_pb.ChargingSchedule.W
A = edge_pb.ChargingSchedule.A


@pytest.fixture
async def serve(database_url: str, tmp_path: Path) -> AsyncIterator[StartService]:
    """Starts the migrated service (open admission) with a site limit; gives a stub."""
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    base = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": database_url}
    )
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def start_with(site_limit_w: float | None) -> Stub:
        charge_points = dataclasses.replace(
            base.charge_points, admission_policy=AdmissionPolicy.OPEN, site_limit_w=site_limit_w
        )
        service = await start(base.network, base.storage, charge_points, port=0)
        cleanups.append(service.stop)
        channel = open_channel(f"127.0.0.1:{service.port}")
        cleanups.append(functools.partial(channel.close, None))
        return chargepoint_pb2_grpc.ChargePointServiceStub(channel)

    yield start_with
    for cleanup in reversed(cleanups):
        await cleanup()


async def _status_of(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _profile(profile_id: int, limit: float) -> edge_pb.ChargingProfile:
    return edge_pb.ChargingProfile(
        id=profile_id,
        stack_level=1,
        purpose=edge_pb.ChargingProfile.TX_DEFAULT_PROFILE,
        kind=edge_pb.ChargingProfile.ABSOLUTE,
        schedule=edge_pb.ChargingSchedule(
            rate_unit=A, periods=[edge_pb.ChargingSchedulePeriod(limit=limit)]
        ),
    )


def _limit(evse_id: int, source: Any, limit: float, unit: Any = W) -> pb.RecordChargingLimitRequest:
    schedule = edge_pb.ChargingSchedule(
        rate_unit=unit, periods=[edge_pb.ChargingSchedulePeriod(limit=limit)]
    )
    return pb.RecordChargingLimitRequest(
        charge_point_id="CP1",
        limit=pb.ChargingLimit(
            evse_id=evse_id, source=source, grid_critical=True, schedule=schedule
        ),
    )


async def test_reported_profiles_are_held_per_evse_and_replaced_by_id(serve: StartService) -> None:
    stub = await serve(None)
    for part in (
        pb.RecordChargingProfilesRequest(
            charge_point_id="CP1",
            request_id=7,
            evse_id=1,
            source=edge_pb.CSO,
            profiles=[_profile(1, 16), _profile(2, 10)],
            tbc=True,
        ),
        pb.RecordChargingProfilesRequest(
            charge_point_id="CP1",
            request_id=7,
            evse_id=0,
            source=edge_pb.EMS,
            profiles=[_profile(3, 32)],
        ),
        pb.RecordChargingProfilesRequest(
            charge_point_id="CP1",
            request_id=8,
            evse_id=1,
            source=edge_pb.CSO,
            profiles=[_profile(2, 6)],
        ),
    ):
        await stub.RecordChargingProfiles(part)

    held = await stub.ListStationChargingProfiles(
        pb.ListStationChargingProfilesRequest(charge_point_id="CP1")
    )
    assert [(p.evse_id, p.source, p.profile.id) for p in held.profiles] == [
        (0, edge_pb.EMS, 3),
        (1, edge_pb.CSO, 1),
        (1, edge_pb.CSO, 2),
    ]
    assert held.profiles[2].profile.schedule.periods[0].limit == 6
    assert held.profiles[0].profile.purpose == edge_pb.ChargingProfile.TX_DEFAULT_PROFILE


async def test_limits_are_in_force_until_cleared(serve: StartService) -> None:
    stub = await serve(None)
    await stub.RecordChargingLimit(_limit(0, edge_pb.SO, 32, A))
    await stub.RecordChargingLimit(_limit(1, edge_pb.EMS, 7000))
    await stub.RecordChargingLimit(_limit(2, edge_pb.EMS, 5000))

    limits = await stub.ListChargingLimits(pb.ListChargingLimitsRequest(charge_point_id="CP1"))
    assert [(lim.evse_id, lim.source, lim.limit_w) for lim in limits.limits] == [
        (0, edge_pb.SO, 32 * 230 * 3),
        (1, edge_pb.EMS, 7000),
        (2, edge_pb.EMS, 5000),
    ]
    assert limits.limits[0].grid_critical

    await stub.RecordClearedChargingLimit(
        pb.RecordClearedChargingLimitRequest(charge_point_id="CP1", source=edge_pb.EMS, evse_id=2)
    )
    left = await stub.ListChargingLimits(pb.ListChargingLimitsRequest(charge_point_id="CP1"))
    assert [(lim.evse_id, lim.source) for lim in left.limits] == [(0, edge_pb.SO), (1, edge_pb.EMS)]
    # No EVSE named: every limit of that source ends.
    await stub.RecordClearedChargingLimit(
        pb.RecordClearedChargingLimitRequest(charge_point_id="CP1", source=edge_pb.SO)
    )
    left = await stub.ListChargingLimits(pb.ListChargingLimitsRequest(charge_point_id="CP1"))
    assert [(lim.evse_id, lim.source) for lim in left.limits] == [(1, edge_pb.EMS)]


async def test_ev_needs_get_a_schedule_within_the_lowest_limit(serve: StartService) -> None:
    stub = await serve(22_000)
    await stub.RecordChargingLimit(_limit(1, edge_pb.EMS, 7_000))
    departure = datetime.now(UTC) + timedelta(hours=10)
    needs = pb.EVChargingNeeds(
        evse_id=1,
        energy_transfer="DC",
        energy_wh=60_000,
        max_power_w=50_000,
        departure=_stamp(departure),
    )
    reply = await stub.RecordEVChargingNeeds(
        pb.RecordEVChargingNeedsRequest(charge_point_id="CP1", needs=needs)
    )
    # 60 kWh in 10 h would need 6 kW: below the EMS's 7 kW, so 6 kW, spread over the stay.
    assert reply.schedule.rate_unit == W
    assert 6000 <= reply.schedule.periods[0].limit <= 6001
    assert 10 * 3600 - 5 <= reply.schedule.duration_seconds <= 10 * 3600

    other = await stub.RecordEVChargingNeeds(
        pb.RecordEVChargingNeedsRequest(
            charge_point_id="CP1", needs=pb.EVChargingNeeds(evse_id=2, max_power_w=50_000)
        )
    )
    # EVSE 2 has no external limit: the site limit.
    assert other.schedule.periods[0].limit == 22_000
    assert other.schedule.duration_seconds == 0

    stored = await stub.ListEVChargingNeeds(pb.ListEVChargingNeedsRequest(charge_point_id="CP1"))
    assert [(n.evse_id, n.energy_wh) for n in stored.needs] == [(1, 60_000), (2, 0)]
    assert stored.needs[0].offered.periods[0].limit == reply.schedule.periods[0].limit


async def test_the_ev_schedule_is_accepted_only_within_the_offer(serve: StartService) -> None:
    stub = await serve(11_000)
    await stub.RecordEVChargingNeeds(
        pb.RecordEVChargingNeedsRequest(
            charge_point_id="CP1", needs=pb.EVChargingNeeds(evse_id=1, max_power_w=50_000)
        )
    )

    def ev(limit: float, unit: Any = W) -> pb.RecordEVChargingScheduleRequest:
        schedule = edge_pb.ChargingSchedule(
            rate_unit=unit, periods=[edge_pb.ChargingSchedulePeriod(limit=limit)]
        )
        return pb.RecordEVChargingScheduleRequest(
            charge_point_id="CP1", evse_id=1, schedule=schedule
        )

    assert (await stub.RecordEVChargingSchedule(ev(10_000))).accepted
    assert not (await stub.RecordEVChargingSchedule(ev(32, A))).accepted  # 22 kW
    stored = await stub.ListEVChargingNeeds(pb.ListEVChargingNeedsRequest(charge_point_id="CP1"))
    assert not stored.needs[0].ev_schedule_accepted
    assert stored.needs[0].ev_schedule.periods[0].limit == 32

    # No needs on EVSE 2, so nothing was offered there: the CSMS cannot accept it.
    request = ev(1_000)
    request.evse_id = 2
    assert not (await stub.RecordEVChargingSchedule(request)).accepted


async def test_bad_input_is_refused_with_the_field(serve: StartService) -> None:
    stub = await serve(None)
    code, message = await _status_of(
        stub.RecordEVChargingNeeds(
            pb.RecordEVChargingNeedsRequest(
                charge_point_id="CP1", needs=pb.EVChargingNeeds(evse_id=1)
            )
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "needs.max_power_w" in message
    code, message = await _status_of(stub.RecordChargingLimit(_limit(-1, edge_pb.EMS, 1000)))
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "evse_id" in message
    code, message = await _status_of(
        stub.RecordChargingProfiles(
            pb.RecordChargingProfilesRequest(charge_point_id="CP1", source=99)  # type: ignore[arg-type]
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "source 99" in message
    code, message = await _status_of(
        stub.ListStationChargingProfiles(
            pb.ListStationChargingProfilesRequest(charge_point_id="NOPE")
        )
    )
    assert code is grpc.StatusCode.NOT_FOUND and "NOPE" in message


async def test_the_operators_site_limit_bounds_the_offer(serve: StartService) -> None:
    stub = await serve(22_000)
    await stub.RecordHeartbeat(cp_pb.RecordHeartbeatRequest(charge_point_id="CP1"))
    limit = await stub.SetStationSiteLimit(
        pb.StationSiteLimit(charge_point_id="CP1", max_power_w=7400)
    )
    assert limit.max_power_w == 7400
    got = await stub.GetStationSiteLimit(pb.GetStationSiteLimitRequest(charge_point_id="CP1"))
    assert got.max_power_w == 7400
    needs = pb.EVChargingNeeds(
        evse_id=1, energy_transfer="AC_three_phase", max_current_a=32, max_voltage_v=230
    )
    reply = await stub.RecordEVChargingNeeds(
        pb.RecordEVChargingNeedsRequest(charge_point_id="CP1", needs=needs)
    )
    assert reply.schedule.periods[0].limit == 7400  # below the EV's 22080 W and the site's 22 kW

    await stub.SetStationSiteLimit(pb.StationSiteLimit(charge_point_id="CP1"))
    reply = await stub.RecordEVChargingNeeds(
        pb.RecordEVChargingNeedsRequest(charge_point_id="CP1", needs=needs)
    )
    assert reply.schedule.periods[0].limit == 22_000

    code, message = await _status_of(
        stub.SetStationSiteLimit(pb.StationSiteLimit(charge_point_id="CP1", max_power_w=-5))
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "max_power_w" in message
    code, _ = await _status_of(
        stub.GetStationSiteLimit(pb.GetStationSiteLimitRequest(charge_point_id="NOPE"))
    )
    assert code is grpc.StatusCode.NOT_FOUND
