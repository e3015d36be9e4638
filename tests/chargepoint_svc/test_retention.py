"""The storage purge (chargepoint_svc.retention) on the in-memory store: one run holds
every per-station record to its bound, in batches, and says what it deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import (
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    RegistrationStatus,
)
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareReport
from chargepoint_svc.domain.journal import Direction, JournalEntry, MessageType
from chargepoint_svc.domain.monitors import Monitor
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from chargepoint_svc.retention import (
    CONNECTORS_PER_STATION,
    ENTRY_OVERHEAD,
    Purged,
    Retention,
    StoragePurge,
)
from chargepoint_svc.use_cases.message_journal import MessageJournal
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CP1 = ChargePointId("CP1")
CP2 = ChargePointId("CP2")


def _entry(cp_id: ChargePointId, seconds: int, size: int = 100) -> JournalEntry:
    return JournalEntry(
        charge_point_id=cp_id,
        at=T0 + timedelta(seconds=seconds),
        direction=Direction.IN,
        message_type=MessageType.CALL,
        message_id=f"m{seconds}",
        action="DataTransfer",
        payload="d" * size,
        truncated=False,
        ocpp_version="1.6",
    )


async def test_one_run_holds_every_record_to_its_bound_in_batches() -> None:
    store = MemoryStore()
    clock = FixedClock(T0 + timedelta(hours=2))
    for cp_id in (CP1, CP2):
        store.charge_points[cp_id] = ChargePoint.register(cp_id, RegistrationStatus.PENDING, T0)

    def units() -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store)

    journal = MessageJournal(units, clock, timedelta(hours=1))
    # Two entries expire; CP1's seven recent ones weigh 7 x (100 + overhead), three fit.
    await journal.record([_entry(CP1, 0), _entry(CP2, 1)])
    await journal.record([_entry(CP1, 3600 + n) for n in range(7)] + [_entry(CP2, 3600)])
    async with units() as uow:
        for n in range(4):
            await uow.security_events.add(SecurityEvent(CP1, f"T{n}", T0, T0))
            await uow.station_events.add([StationEvent(CP2, n, T0, "Delta", "C", "V", T0)])
        await uow.device_models.save(CP1, [ReportedVariable("C", f"V{n}") for n in range(5)], T0)
        await uow.monitors.save(
            [
                Monitor(CP2, n, "C", "V", "Delta", 1.0, 5, T0 + timedelta(seconds=n))
                for n in range(4)
            ]
        )
        for status in ("Downloading", "Downloaded", "Installed"):
            await uow.firmware_reports.add(FirmwareReport(CP1, FirmwareKind.UPDATE, 1, status, T0))
        for n in range(CONNECTORS_PER_STATION + 1):
            at = T0 + timedelta(seconds=n)
            await uow.charge_points.save_connector(
                CP2, Connector(1, n, ConnectorStatus.AVAILABLE, at, at)
            )
        await uow.commit()
    bounds = Retention(journal_bytes=3 * (100 + ENTRY_OVERHEAD), station_events=2, device_model=3)

    purged = await StoragePurge(units, journal, bounds, batch=2).run()

    assert purged == Purged(
        journal_expired=2,
        journal_over_bytes=4,
        security_events=2,
        station_events=2,
        device_model=2,
        connectors=1,
        monitors=1,
        firmware_reports=1,
    )
    assert [r.status for r in store.firmware_reports] == ["Downloaded", "Installed"]
    assert [e.message_id for e in store.journal if e.charge_point_id == CP1] == [
        "m3604",
        "m3605",
        "m3606",
    ]
    assert [e.type for e in store.security_events] == ["T2", "T3"]
    assert [e.event_id for e in store.station_events] == [2, 3]
    assert [v.variable for v in store.variables.values()] == ["V2", "V3", "V4"]
    assert min(key[2] for key in store.connectors) == 1  # connector 0, the oldest, went
    assert sorted(monitor_id for _, monitor_id in store.monitors) == [1, 2, 3]
    assert not await StoragePurge(units, journal, bounds, batch=2).run()
