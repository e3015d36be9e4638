"""chargepoint_svc.use_cases.firmware over the in-memory adapters and scripted stations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import Admission, ChargePointId
from chargepoint_svc.domain.firmware import FirmwareKind, Publication, SignedUpdate
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.firmware import FirmwareUseCases
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.clock import FixedClock
from servicekit.edge_errors import StationNotConnected

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, tzinfo=UTC)
CP = ChargePointId("CP-1")


@dataclass
class ScriptedStations:
    answer: str = "Accepted"
    fail: bool = False
    sent: list[object] = field(default_factory=list)

    async def update_signed_firmware(self, update: SignedUpdate) -> tuple[str, int]:
        return self._send(update, update.request_id)

    async def publish_firmware(self, publication: Publication) -> tuple[str, int]:
        return self._send(publication, publication.request_id)

    async def unpublish_firmware(self, charge_point_id: str, checksum: str) -> str:
        self.sent.append((charge_point_id, checksum))
        return self.answer

    def _send(self, what: object, request_id: int) -> tuple[str, int]:
        self.sent.append(what)
        if self.fail:
            raise StationNotConnected(CP, "not connected")
        return self.answer, request_id or 41


class World:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0)
        self.stations = ScriptedStations()
        admission = Admission(AdmissionPolicy.OPEN, 300, 60, BaseReportPolicy.NEVER)
        self.charge_points = ChargePointUseCases(self.unit, self.clock, admission)
        self.firmware = FirmwareUseCases(self.unit, self.clock, admission, self.stations)

    def unit(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store)

    def later(self, seconds: int) -> None:
        self.clock.at = T0 + timedelta(seconds=seconds)


def signed(request_id: int = 0) -> SignedUpdate:
    return SignedUpdate(CP, "https://fw/v2.bin", T0, None, "PEM", "c2ln", request_id=request_id)


async def test_a_sent_update_and_its_notifications_make_one_history() -> None:
    world = World()
    await world.charge_points.record_firmware_status(CP, "Idle")
    world.later(1)
    order = await world.firmware.update_signed(signed())
    assert (order.request_id, order.answer, order.signed) == (41, "Accepted", True)
    (waiting, idle) = await world.firmware.list_requests(CP, FirmwareKind.UPDATE)
    assert (waiting.request_id, waiting.status, waiting.steps) == (41, "Accepted", ())
    assert idle.order is None
    world.later(2)
    await world.charge_points.record_firmware_status(CP, "Downloading", 41)
    (history,) = await world.firmware.list_requests(CP, FirmwareKind.UPDATE, 41)
    assert (history.status, history.order) == ("Downloading", order)
    assert history.updated_at == T0 + timedelta(seconds=2)


async def test_a_publication_keeps_its_checksum_and_locations() -> None:
    world = World()
    await world.charge_points.record_firmware_status(CP, "Idle")
    order = await world.firmware.publish(Publication(CP, "https://fw/lc.bin", "a" * 32, 0, 0, 7))
    await world.firmware.record_publish_status(CP, "Published", 7, ["http://lc/fw"])
    (history,) = await world.firmware.list_requests(CP, FirmwareKind.PUBLISH)
    assert (history.order, history.locations, history.status) == (
        order,
        ("http://lc/fw",),
        "Published",
    )
    assert await world.firmware.list_requests(CP, FirmwareKind.PUBLISH, 8) == []
    world.stations.answer = "Unpublished"
    world.later(9)
    assert await world.firmware.unpublish(CP, "A" * 32) == "Unpublished"
    (history,) = await world.firmware.list_requests(CP, FirmwareKind.PUBLISH)
    assert history.order is not None
    assert history.order.unpublished_at == T0 + timedelta(seconds=9)


async def test_nothing_is_kept_of_what_was_not_sent_or_of_an_unknown_station() -> None:
    world = World()
    await world.charge_points.record_firmware_status(CP, "Idle")
    world.stations.fail = True
    with pytest.raises(StationNotConnected):
        await world.firmware.update_signed(signed(5))
    assert world.store.firmware_orders == {}
    world.stations.fail = False
    unknown = SignedUpdate(ChargePointId("CP-9"), "https://fw", T0, None, "PEM", "c2ln")
    with pytest.raises(ChargePointNotFound):
        await world.firmware.update_signed(unknown)
    with pytest.raises(ChargePointNotFound):
        await world.firmware.list_requests("CP-9", FirmwareKind.UPDATE)
    with pytest.raises(InvalidReport, match="status is required"):
        await world.firmware.record_publish_status(CP, "", 1, [])
