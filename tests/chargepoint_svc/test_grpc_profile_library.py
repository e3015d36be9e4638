"""The operator's library of charging profiles, and applying one to a station through a
fake edge (ADR 0005), through the real server over SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest

from chargepoint_svc.server import start
from csms.chargepoint.v1 import chargepoint_pb2 as cp_pb
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.chargepoint.v1 import smart_charging_pb2 as pb
from csms.edge.v1 import operations_pb2
from csms.edge.v1 import smart_charging_pb2 as edge_pb
from servicekit import migrations
from servicekit.channels import open_channel
from servicekit.settings import Settings
from tests.support.fake_edge import CALL_ERROR, FakeEdge, serving

if TYPE_CHECKING:
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub as Stub

Served = tuple["Stub", FakeEdge]


@pytest.fixture
async def served(database_url: str, tmp_path: Path) -> AsyncIterator[Served]:
    await asyncio.to_thread(migrations.upgrade, "chargepoint", database_url)
    edge = FakeEdge()  # type: ignore[abstract]  # serves SetChargingProfile only
    async with serving(edge) as address:
        base = Settings.from_env(
            {
                "CSMS_DATA_DIR": str(tmp_path),
                "CSMS_CHARGEPOINT_DATABASE_URL": database_url,
                "CSMS_EDGE_ADDRESS": address,
            }
        )
        network = dataclasses.replace(base.network, edge_address=address)
        service = await start(network, base.storage, base.charge_points, port=0)
        channel = open_channel(f"127.0.0.1:{service.port}")
        try:
            yield chargepoint_pb2_grpc.ChargePointServiceStub(channel), edge
        finally:
            await channel.close(None)
            await service.stop()


async def _status_of(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


def _profile(
    profile_id: int = 7,
    purpose: edge_pb.ChargingProfile.Purpose.ValueType = edge_pb.ChargingProfile.TX_DEFAULT_PROFILE,
) -> edge_pb.ChargingProfile:
    return edge_pb.ChargingProfile(
        id=profile_id,
        stack_level=2,
        purpose=purpose,
        kind=edge_pb.ChargingProfile.RELATIVE,
        schedule=edge_pb.ChargingSchedule(
            rate_unit=edge_pb.ChargingSchedule.A,
            periods=[edge_pb.ChargingSchedulePeriod(limit=16)],
        ),
    )


async def _register(stub: Stub, charge_point_id: str = "CP1") -> None:
    await stub.CreateChargePoint(
        cp_pb.CreateChargePointRequest(
            id=charge_point_id, registration_status=cp_pb.ChargePoint.ACCEPTED
        )
    )


async def test_create_get_list_and_delete(served: Served) -> None:
    stub, _ = served
    for name in ("night-16A", "day-10A", "eco"):
        created = await stub.CreateLibraryChargingProfile(
            pb.CreateLibraryChargingProfileRequest(name=name, profile=_profile())
        )
        assert created.name == name and created.HasField("created_at")
    got = await stub.GetLibraryChargingProfile(pb.GetLibraryChargingProfileRequest(name="eco"))
    assert got.profile == _profile()

    first = await stub.ListLibraryChargingProfiles(
        pb.ListLibraryChargingProfilesRequest(page_size=2)
    )
    assert [p.name for p in first.profiles] == ["day-10A", "eco"]
    rest = await stub.ListLibraryChargingProfiles(
        pb.ListLibraryChargingProfilesRequest(page_token=first.next_page_token)
    )
    assert [p.name for p in rest.profiles] == ["night-16A"] and not rest.next_page_token

    await stub.DeleteLibraryChargingProfile(pb.DeleteLibraryChargingProfileRequest(name="eco"))
    code, message = await _status_of(
        stub.GetLibraryChargingProfile(pb.GetLibraryChargingProfileRequest(name="eco"))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "'eco'" in message


async def test_an_accepted_profile_is_held_by_the_station(served: Served) -> None:
    stub, edge = served
    await _register(stub)
    await stub.CreateLibraryChargingProfile(
        pb.CreateLibraryChargingProfileRequest(name="tx", profile=_profile(9))
    )
    edge.answer("SetChargingProfile", "ACCEPTED", "REJECTED")
    reply = await stub.ApplyChargingProfile(
        pb.ApplyChargingProfileRequest(
            charge_point_id="CP1", name="tx", evse_id=2, transaction_id=41
        )
    )
    assert reply.status == pb.ApplyChargingProfileResponse.ACCEPTED
    (sent,) = edge.requests_of(operations_pb2.SetChargingProfileRequest)
    assert (sent.charge_point_id, sent.evse_id) == ("CP1", 2)
    assert sent.charging_profile.transaction_id == 41 and sent.charging_profile.id == 9

    held = await stub.ListStationChargingProfiles(
        pb.ListStationChargingProfilesRequest(charge_point_id="CP1")
    )
    assert [(p.evse_id, p.source, p.profile.id) for p in held.profiles] == [(2, edge_pb.CSO, 9)]

    rejected = await stub.ApplyChargingProfile(
        pb.ApplyChargingProfileRequest(charge_point_id="CP1", name="tx", evse_id=3)
    )
    assert rejected.status == pb.ApplyChargingProfileResponse.REJECTED
    held = await stub.ListStationChargingProfiles(
        pb.ListStationChargingProfilesRequest(charge_point_id="CP1")
    )
    assert [p.evse_id for p in held.profiles] == [2]


async def test_a_station_error_is_passed_on_and_nothing_is_held(served: Served) -> None:
    stub, edge = served
    await _register(stub)
    await stub.CreateLibraryChargingProfile(
        pb.CreateLibraryChargingProfileRequest(name="p", profile=_profile())
    )
    edge.answer("SetChargingProfile", CALL_ERROR)
    code, message = await _status_of(
        stub.ApplyChargingProfile(pb.ApplyChargingProfileRequest(charge_point_id="CP1", name="p"))
    )
    assert code is grpc.StatusCode.FAILED_PRECONDITION and "NotSupported" in message
    held = await stub.ListStationChargingProfiles(
        pb.ListStationChargingProfilesRequest(charge_point_id="CP1")
    )
    assert list(held.profiles) == []


@pytest.mark.parametrize(
    ("name", "profile", "words"),
    [
        ("has space", _profile(), "name 'has space' must be 1 to 64"),
        ("x", _profile(0), "profile.id must be a positive"),
        ("x", None, "profile is required"),
        (
            "x",
            _profile(purpose=edge_pb.ChargingProfile.CHARGING_STATION_EXTERNAL_CONSTRAINTS),
            "set by stations only",
        ),
    ],
)
async def test_bad_library_profiles_are_refused(
    served: Served, name: str, profile: edge_pb.ChargingProfile | None, words: str
) -> None:
    stub, _ = served
    request = pb.CreateLibraryChargingProfileRequest(name=name)
    if profile is not None:
        request.profile.CopyFrom(profile)
    code, message = await _status_of(stub.CreateLibraryChargingProfile(request))
    assert code is grpc.StatusCode.INVALID_ARGUMENT and words in message


async def test_conflicts_and_unknowns_are_named(served: Served) -> None:
    stub, edge = served
    await stub.CreateLibraryChargingProfile(
        pb.CreateLibraryChargingProfileRequest(name="p", profile=_profile())
    )
    code, message = await _status_of(
        stub.CreateLibraryChargingProfile(
            pb.CreateLibraryChargingProfileRequest(name="p", profile=_profile())
        )
    )
    assert code is grpc.StatusCode.ALREADY_EXISTS and "'p'" in message
    code, message = await _status_of(
        stub.ApplyChargingProfile(pb.ApplyChargingProfileRequest(charge_point_id="NOPE", name="p"))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "NOPE" in message
    await _register(stub)
    code, message = await _status_of(
        stub.ApplyChargingProfile(pb.ApplyChargingProfileRequest(charge_point_id="CP1", name="q"))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "'q'" in message
    code, message = await _status_of(
        stub.ApplyChargingProfile(
            pb.ApplyChargingProfileRequest(charge_point_id="CP1", name="p", evse_id=-1)
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "evse_id" in message
    assert edge.requests == []


async def test_a_cleared_profile_is_no_longer_held(served: Served) -> None:
    stub, edge = served
    await _register(stub)
    await stub.CreateLibraryChargingProfile(
        pb.CreateLibraryChargingProfileRequest(name="p", profile=_profile(9))
    )
    for evse_id in (1, 2):
        await stub.ApplyChargingProfile(
            pb.ApplyChargingProfileRequest(charge_point_id="CP1", name="p", evse_id=evse_id)
        )
    edge.answer("ClearChargingProfile", "ACCEPTED", "UNKNOWN")
    reply = await stub.ClearStationChargingProfile(
        pb.ClearStationChargingProfileRequest(charge_point_id="CP1", profile_id=9)
    )
    assert reply.status == pb.ClearStationChargingProfileResponse.ACCEPTED
    (sent,) = edge.requests_of(operations_pb2.ClearChargingProfileRequest)
    assert (sent.charge_point_id, sent.charging_profile_id) == ("CP1", 9)
    held = await stub.ListStationChargingProfiles(
        pb.ListStationChargingProfilesRequest(charge_point_id="CP1")
    )
    assert list(held.profiles) == []
    again = await stub.ClearStationChargingProfile(
        pb.ClearStationChargingProfileRequest(charge_point_id="CP1", profile_id=9)
    )
    assert again.status == pb.ClearStationChargingProfileResponse.UNKNOWN
    code, message = await _status_of(
        stub.ClearStationChargingProfile(
            pb.ClearStationChargingProfileRequest(charge_point_id="CP1", profile_id=0)
        )
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "profile_id" in message
