from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import (
    MemoryChargePointRepository,
    MemoryStore,
    MemoryUnitOfWork,
)
from chargepoint_svc.domain.charge_point import (
    Admission,
    BootData,
    ChargePoint,
    ChargePointId,
    ConnectorStatus,
    ConnectorStatusReport,
    DataTransferStatus,
    RegistrationStatus,
)
from chargepoint_svc.errors import (
    ChargePointAlreadyExists,
    ChargePointNotFound,
    ChargePointNotRegistered,
    InvalidChargePointId,
    InvalidReport,
)
from chargepoint_svc.use_cases import ChargePointUseCases
from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.clock import FixedClock
from servicekit.errors import InvalidArgument, NotFound, Unavailable
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BOOT = BootData(
    ocpp_version="1.6",
    vendor="Acme",
    model="Wallbox",
    serial_number="SN-1",
    firmware_version="1.2.3",
    iccid="8931",
    imsi="2620",
    meter_type="AC",
    meter_serial_number="M-1",
)


class Harness:
    def __init__(self, policy: AdmissionPolicy = AdmissionPolicy.OPEN) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0)
        self.use_cases = ChargePointUseCases(
            lambda: MemoryUnitOfWork(self.store), self.clock, Admission(policy, 300, 60)
        )

    def later(self, seconds: int) -> datetime:
        self.clock.at = T0 + timedelta(seconds=seconds)
        return self.clock.at


async def test_create_defaults_to_accepted_and_refuses_duplicates() -> None:
    harness = Harness()
    created = await harness.use_cases.create_charge_point("CP1")
    assert created == ChargePoint.register(ChargePointId("CP1"), RegistrationStatus.ACCEPTED, T0)
    pending = await harness.use_cases.create_charge_point("CP2", RegistrationStatus.PENDING)
    assert pending.registration_status is RegistrationStatus.PENDING
    with pytest.raises(ChargePointAlreadyExists, match="'CP1' already exists"):
        await harness.use_cases.create_charge_point("CP1", RegistrationStatus.REJECTED)
    assert harness.store.charge_points["CP1"].registration_status is RegistrationStatus.ACCEPTED


async def test_create_refuses_an_invalid_id_as_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match="not valid"):
        await Harness().use_cases.create_charge_point("CP 1")


async def test_get_unknown_charge_point_is_not_found() -> None:
    with pytest.raises(ChargePointNotFound, match="'NOPE' does not exist"):
        await Harness().use_cases.get_charge_point("NOPE")


async def test_list_pages_by_id() -> None:
    harness = Harness()
    for name in ["CP3", "CP1", "CP5", "CP2", "CP4"]:
        await harness.use_cases.create_charge_point(name)
    first = await harness.use_cases.list_charge_points(PageRequest.parse(2, ""))
    assert [cp.id for cp in first.charge_points] == ["CP1", "CP2"]
    second = await harness.use_cases.list_charge_points(PageRequest.parse(2, first.next_page_token))
    assert [cp.id for cp in second.charge_points] == ["CP3", "CP4"]
    last = await harness.use_cases.list_charge_points(PageRequest.parse(2, second.next_page_token))
    assert ([cp.id for cp in last.charge_points], last.next_page_token) == (["CP5"], "")
    exact = await harness.use_cases.list_charge_points(PageRequest.parse(5, ""))
    assert (len(exact.charge_points), exact.next_page_token) == (5, "")


async def test_boot_of_known_charge_point_stores_boot_data_and_answers_its_status() -> None:
    harness = Harness(AdmissionPolicy.STRICT)
    await harness.use_cases.create_charge_point("CP1", RegistrationStatus.REJECTED)
    now = harness.later(30)
    answer = await harness.use_cases.record_boot("CP1", BOOT)
    assert (answer.status, answer.current_time, answer.interval_seconds) == (
        RegistrationStatus.REJECTED,
        now,
        60,
    )
    stored = await harness.use_cases.get_charge_point("CP1")
    assert (stored.boot, stored.last_boot_at, stored.last_seen_at) == (BOOT, now, now)
    assert stored.created_at == T0


@pytest.mark.parametrize(
    ("policy", "status", "interval"),
    [
        (AdmissionPolicy.OPEN, RegistrationStatus.ACCEPTED, 300),
        (AdmissionPolicy.PENDING, RegistrationStatus.PENDING, 60),
    ],
)
async def test_boot_of_unknown_charge_point_registers_it_with_its_boot_data(
    policy: AdmissionPolicy, status: RegistrationStatus, interval: int
) -> None:
    harness = Harness(policy)
    answer = await harness.use_cases.record_boot("NEW1", BOOT)
    assert (answer.status, answer.interval_seconds) == (status, interval)
    stored = await harness.use_cases.get_charge_point("NEW1")
    assert (stored.registration_status, stored.boot, stored.last_boot_at) == (status, BOOT, T0)
    assert harness.store.commits == 1  # registered and booted in one unit of work


async def test_strict_boot_of_unknown_charge_point_is_rejected_and_nothing_stored() -> None:
    harness = Harness(AdmissionPolicy.STRICT)
    answer = await harness.use_cases.record_boot("NEW1", BOOT)
    assert (answer.status, answer.interval_seconds) == (RegistrationStatus.REJECTED, 60)
    assert harness.store.charge_points == {}
    assert harness.store.commits == 0


async def test_events_register_unknown_charge_points_unless_strict() -> None:
    harness = Harness(AdmissionPolicy.PENDING)
    assert await harness.use_cases.record_heartbeat("HB1") == T0
    stored = await harness.use_cases.get_charge_point("HB1")
    assert (stored.registration_status, stored.last_seen_at) == (RegistrationStatus.PENDING, T0)

    strict = Harness(AdmissionPolicy.STRICT)
    events = [
        strict.use_cases.record_heartbeat("X"),
        strict.use_cases.record_firmware_status("X", "Installed"),
        strict.use_cases.record_diagnostics_status("X", "Uploaded"),
        strict.use_cases.record_data_transfer("X", "com.example", "", ""),
        strict.use_cases.record_connector_status(
            "X", ConnectorStatusReport(1, 1, ConnectorStatus.AVAILABLE)
        ),
    ]
    for event in events:
        with pytest.raises(NotFound, match="X is not registered; register it with POST"):
            await event
    assert strict.store.charge_points == {}
    assert issubclass(ChargePointNotRegistered, ChargePointNotFound)


async def test_heartbeat_marks_a_known_charge_point_seen() -> None:
    harness = Harness(AdmissionPolicy.STRICT)
    await harness.use_cases.create_charge_point("CP1")
    now = harness.later(10)
    assert await harness.use_cases.record_heartbeat("CP1") == now
    assert (await harness.use_cases.get_charge_point("CP1")).last_seen_at == now


async def test_connector_status_is_upserted_and_older_reports_do_not_win() -> None:
    harness = Harness()
    first = ConnectorStatusReport(1, 1, ConnectorStatus.CHARGING, timestamp=T0)
    await harness.use_cases.record_connector_status("CP1", first)
    await harness.use_cases.record_connector_status(
        "CP1", ConnectorStatusReport(0, 0, ConnectorStatus.AVAILABLE)
    )
    now = harness.later(60)
    stale = ConnectorStatusReport(
        1, 1, ConnectorStatus.AVAILABLE, timestamp=T0 - timedelta(minutes=5)
    )
    await harness.use_cases.record_connector_status("CP1", stale)
    stored = await harness.use_cases.get_charge_point("CP1")
    assert [(c.evse_id, c.connector_id, c.status) for c in stored.connectors] == [
        (0, 0, ConnectorStatus.AVAILABLE),
        (1, 1, ConnectorStatus.CHARGING),
    ]
    assert stored.last_seen_at == now

    newer = ConnectorStatusReport(1, 1, ConnectorStatus.FINISHING, info="done")
    await harness.use_cases.record_connector_status("CP1", newer)
    replaced = (await harness.use_cases.get_charge_point("CP1")).connector(1, 1)
    assert replaced is not None
    assert (replaced.status, replaced.info, replaced.status_at) == (
        ConnectorStatus.FINISHING,
        "done",
        now,
    )


async def test_firmware_and_diagnostics_status_are_stored() -> None:
    harness = Harness()
    await harness.use_cases.record_firmware_status("CP1", "Downloading")
    await harness.use_cases.record_diagnostics_status("CP1", "Uploading")
    stored = await harness.use_cases.get_charge_point("CP1")
    assert (stored.firmware_status, stored.diagnostics_status) == ("Downloading", "Uploading")
    with pytest.raises(InvalidReport, match="diagnostics_status is required"):
        await harness.use_cases.record_diagnostics_status("CP1", "")


async def test_data_transfer_is_answered_unknown_vendor_and_marks_the_station_seen() -> None:
    """Not stored here: the message journal keeps the frame (chargepoint_svc.retention)."""
    harness = Harness()
    answer = await harness.use_cases.record_data_transfer("CP1", "com.example", "Ping", '{"a":1}')
    assert answer.status is DataTransferStatus.UNKNOWN_VENDOR_ID
    stored = await harness.use_cases.get_charge_point("CP1")
    assert stored.last_seen_at == T0


async def test_invalid_ids_in_events_are_refused() -> None:
    with pytest.raises(InvalidChargePointId):
        await Harness().use_cases.record_heartbeat("a/b")


class BrokenUpdates(MemoryChargePointRepository):
    async def update(self, charge_point: ChargePoint) -> None:
        raise OSError("the disk is full")


class BrokenUnitOfWork(MemoryUnitOfWork):
    @property
    def charge_points(self) -> BrokenUpdates:
        return BrokenUpdates(self.working)


async def test_a_failed_event_leaves_nothing_half_done() -> None:
    store = MemoryStore()
    use_cases = ChargePointUseCases(
        lambda: BrokenUnitOfWork(store),
        FixedClock(T0),
        Admission(AdmissionPolicy.OPEN, 300, 60),
    )
    with pytest.raises(OSError, match="disk is full"):
        await use_cases.record_boot("CP1", BOOT)
    with pytest.raises(OSError, match="disk is full"):
        await use_cases.record_data_transfer("CP1", "com.example", "", "")
    assert (store.charge_points, store.commits) == ({}, 0)


class VanishingRegistrations(MemoryChargePointRepository):
    """A store where someone else's insert wins and the row is then gone again."""

    async def add(self, charge_point: ChargePoint) -> bool:
        return False


class VanishingUnitOfWork(MemoryUnitOfWork):
    @property
    def charge_points(self) -> VanishingRegistrations:
        return VanishingRegistrations(self.working)


async def test_a_registration_that_loses_a_race_and_finds_nothing_asks_to_retry() -> None:
    store = MemoryStore()
    use_cases = ChargePointUseCases(
        lambda: VanishingUnitOfWork(store),
        FixedClock(T0),
        Admission(AdmissionPolicy.OPEN, 300, 60),
    )
    with pytest.raises(Unavailable, match="changed while it was being registered; retry"):
        await use_cases.record_heartbeat("CP1")
