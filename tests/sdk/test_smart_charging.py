"""csms_client's smart charging methods: GetChargingProfiles reaches the edge with only
the criteria given (an unset EVSE is every EVSE, 0 the whole station), and the stored
views come back from the real charge point service on SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import smart_charging_pb2 as pb
from csms.edge.v1 import edge_pb2_grpc
from csms.edge.v1 import smart_charging_pb2 as edge_pb
from csms_client import CsmsClient, CsmsError
from servicekit import migrations
from servicekit.settings import Settings
from tests.support.databases import sqlite_url


class RecordingEdge(edge_pb2_grpc.EdgeServiceServicer):
    def __init__(self) -> None:
        self.asked: list[edge_pb.GetChargingProfilesRequest] = []

    async def GetChargingProfiles(
        self,
        request: edge_pb.GetChargingProfilesRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> edge_pb.GetChargingProfilesResponse:
        self.asked.append(request)
        return edge_pb.GetChargingProfilesResponse(
            status=edge_pb.GetChargingProfilesResponse.ACCEPTED, request_id=5
        )


@pytest.fixture
async def edge() -> AsyncIterator[tuple[RecordingEdge, str]]:
    servicer = RecordingEdge()  # type: ignore[abstract]  # only GetChargingProfiles is served
    server = grpc.aio.server()
    edge_pb2_grpc.add_EdgeServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield servicer, f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


async def test_get_charging_profiles_sends_only_the_criteria_given(
    edge: tuple[RecordingEdge, str],
) -> None:
    servicer, address = edge
    async with CsmsClient(edge=address, timeout=5) as csms:
        reply = await csms.edge.get_charging_profiles("CP-1")
        await csms.edge.get_charging_profiles(
            "CP-1", evse_id=0, stack_level=0, profile_ids=[3], sources=[edge_pb.EMS]
        )
    assert (reply.status, reply.request_id) == (reply.ACCEPTED, 5)
    every, station = servicer.asked
    assert not every.HasField("evse_id") and not every.HasField("stack_level")
    assert station.HasField("evse_id") and station.evse_id == 0
    assert station.HasField("stack_level") and list(station.profile_ids) == [3]
    assert list(station.sources) == [edge_pb.EMS]


async def test_the_stored_views_come_from_the_charge_point_service(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path, "chargepoint")
    await asyncio.to_thread(migrations.upgrade, "chargepoint", url)
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": url}
    )
    service = await start(settings.network, settings.storage, settings.charge_points, port=0)
    try:
        async with CsmsClient(chargepoint=f"127.0.0.1:{service.port}", timeout=5) as csms:
            stub = csms.charge_points.stub
            limit = pb.ChargingLimit(evse_id=1, source=edge_pb.SO)
            await stub.RecordChargingLimit(
                pb.RecordChargingLimitRequest(charge_point_id="CP-1", limit=limit)
            )
            needs = pb.EVChargingNeeds(evse_id=1, energy_transfer="DC", max_power_w=9000)
            await stub.RecordEVChargingNeeds(
                pb.RecordEVChargingNeedsRequest(charge_point_id="CP-1", needs=needs)
            )
            limits = await csms.charge_points.charging_limits("CP-1")
            offered = await csms.charge_points.ev_charging_needs("CP-1")
            held = await csms.charge_points.charging_profiles("CP-1")
            assert await csms.charge_points.set_site_limit("CP-1", 7400) == 7400
            assert await csms.charge_points.site_limit("CP-1") == 7400
    finally:
        await service.stop()
    assert [(lim.evse_id, lim.source) for lim in limits] == [(1, edge_pb.SO)]
    assert [n.offered.periods[0].limit for n in offered] == [9000]
    assert held == []


async def test_the_library_reaches_the_charge_point_service(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path, "chargepoint")
    await asyncio.to_thread(migrations.upgrade, "chargepoint", url)
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_CHARGEPOINT_DATABASE_URL": url}
    )
    service = await start(settings.network, settings.storage, settings.charge_points, port=0)
    profile = edge_pb.ChargingProfile(
        id=3,
        purpose=edge_pb.ChargingProfile.TX_DEFAULT_PROFILE,
        kind=edge_pb.ChargingProfile.RELATIVE,
        schedule=edge_pb.ChargingSchedule(
            rate_unit=edge_pb.ChargingSchedule.W, periods=[edge_pb.ChargingSchedulePeriod(limit=1)]
        ),
    )
    try:
        async with CsmsClient(chargepoint=f"127.0.0.1:{service.port}", timeout=5) as csms:
            await csms.charging_profiles.create("one", profile)
            listed = await csms.charging_profiles.list()
            got = await csms.charging_profiles.get("one")
            await csms.charging_profiles.delete("one")
            with pytest.raises(CsmsError) as missing:
                await csms.charging_profiles.apply("CP-1", "one")
    finally:
        await service.stop()
    assert [p.name for p in listed.profiles] == ["one"] and got.profile == profile
    assert missing.value.code == grpc.StatusCode.NOT_FOUND
