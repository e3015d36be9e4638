"""In-memory twins of the SQL repositories and unit of work, for fast use-case tests.

A :class:`MemoryStore` plays the database; each :class:`MemoryUnitOfWork` works on a copy
of it and writes the copy back on commit, so a unit of work left without a commit changes
nothing, as a rolled-back transaction would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from chargepoint_svc.adapters.memory_checks import require_charge_point
from chargepoint_svc.adapters.memory_fleet import fleet_summary
from chargepoint_svc.adapters.memory_requests import (
    MemoryDisplayMessageRepository,
    MemoryStationRequestRepository,
    RequestKey,
)
from chargepoint_svc.adapters.memory_smart_charging import MemorySmartChargingRepository
from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, Connector
from chargepoint_svc.domain.device_model import ReportedVariable, VariableKey
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareOrder, FirmwareReport
from chargepoint_svc.domain.fleet import ChargePointFilter, FleetSummary
from chargepoint_svc.domain.journal import JournalEntry, JournalQuery, newest_first
from chargepoint_svc.domain.monitors import Monitor, MonitorQuery
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    LibraryProfile,
    NeedsRecord,
)
from chargepoint_svc.domain.station_events import EventFilter, SecurityEvent, StationEvent
from chargepoint_svc.domain.station_requests import RequestReport, StationRequest
from servicekit import unit_of_work
from servicekit.row_bounds import indexes_beyond

ConnectorKey = tuple[str, int, int]
EventT = TypeVar("EventT", SecurityEvent, StationEvent, FirmwareReport)


@dataclass
class MemoryStore(unit_of_work.MemoryStore):
    """The committed state: charge points (without connectors), connectors, reports,
    events and the journal. ``variables`` is in the order they were last reported."""

    charge_points: dict[str, ChargePoint] = field(default_factory=dict)
    connectors: dict[ConnectorKey, Connector] = field(default_factory=dict)
    variables: dict[tuple[str, VariableKey], ReportedVariable] = field(default_factory=dict)
    security_events: list[SecurityEvent] = field(default_factory=list)
    station_events: list[StationEvent] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    journal_sequence: int = 0
    monitors: dict[tuple[str, int], Monitor] = field(default_factory=dict)
    station_requests: dict[RequestKey, StationRequest] = field(default_factory=dict)
    request_reports: dict[RequestKey, list[RequestReport]] = field(default_factory=dict)
    display_messages: dict[tuple[str, int], DisplayMessage] = field(default_factory=dict)
    held_profiles: dict[tuple[str, int, int], HeldProfile] = field(default_factory=dict)
    charging_limits: dict[tuple[str, int, str], ChargingLimit] = field(default_factory=dict)
    ev_needs: dict[tuple[str, int], NeedsRecord] = field(default_factory=dict)
    library: dict[str, LibraryProfile] = field(default_factory=dict)
    site_limits: dict[str, float] = field(default_factory=dict)
    firmware_reports: list[FirmwareReport] = field(default_factory=list)
    firmware_orders: dict[tuple[str, FirmwareKind, int], FirmwareOrder] = field(
        default_factory=dict
    )


class MemoryChargePointRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def get(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        found = self._store.charge_points.get(charge_point_id)
        return None if found is None else self._with_connectors(found)

    async def lock(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        # One unit of work at a time runs against a MemoryStore: nothing to wait for.
        return await self.get(charge_point_id)

    async def mark_seen(self, charge_point_id: ChargePointId, at: datetime) -> bool:
        stored = self._store.charge_points.get(charge_point_id)
        if stored is None:
            return False
        self._store.charge_points[charge_point_id] = stored.seen(at)
        return True

    async def connector(
        self, charge_point_id: ChargePointId, evse_id: int, connector_id: int
    ) -> Connector | None:
        return self._store.connectors.get((charge_point_id, evse_id, connector_id))

    async def page(
        self, after: str | None, limit: int, where: ChargePointFilter | None = None
    ) -> list[ChargePoint]:
        ids = sorted(key for key in self._store.charge_points if after is None or key > after)
        found = (self._with_connectors(self._store.charge_points[key]) for key in ids)
        return [cp for cp in found if where is None or where.matches(cp)][:limit]

    async def count(self, where: ChargePointFilter | None = None) -> int:
        return len(await self.page(None, len(self._store.charge_points), where))

    async def summary(self) -> FleetSummary:
        return fleet_summary(await self.page(None, len(self._store.charge_points)))

    async def add(self, charge_point: ChargePoint) -> bool:
        if charge_point.id in self._store.charge_points:
            return False
        self._store.charge_points[charge_point.id] = dataclasses.replace(
            charge_point, connectors=()
        )
        return True

    async def update(self, charge_point: ChargePoint) -> None:
        stored = self._store.charge_points.get(charge_point.id)
        if stored is not None:
            self._store.charge_points[charge_point.id] = dataclasses.replace(
                charge_point, created_at=stored.created_at, connectors=()
            )

    async def save_connector(self, charge_point_id: ChargePointId, connector: Connector) -> None:
        if charge_point_id not in self._store.charge_points:
            raise LookupError(f"no charge point {charge_point_id!r} (a foreign key would fail)")
        key = (charge_point_id, connector.evse_id, connector.connector_id)
        self._store.connectors[key] = connector

    async def delete_connectors_beyond(self, keep: int, limit: int) -> int:
        newest = sorted(
            self._store.connectors.items(),
            key=lambda item: (-item[1].updated_at.timestamp(), item[0][1], item[0][2]),
        )
        doomed = indexes_beyond([key[0] for key, _ in newest], keep, limit)
        for index in doomed:
            del self._store.connectors[newest[index][0]]
        return len(doomed)

    def _with_connectors(self, charge_point: ChargePoint) -> ChargePoint:
        owned = sorted(
            (key, value)
            for key, value in self._store.connectors.items()
            if key[0] == charge_point.id
        )
        return dataclasses.replace(charge_point, connectors=tuple(value for _, value in owned))


class MemoryDeviceModelRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def save(
        self,
        charge_point_id: ChargePointId,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
    ) -> None:
        del reported_at  # not part of ReportedVariable; the SQL adapter keeps it per row
        require_charge_point(self._store, charge_point_id)
        for variable in variables:
            self._store.variables.pop((charge_point_id, variable.key), None)
            self._store.variables[(charge_point_id, variable.key)] = variable

    async def variables(self, charge_point_id: ChargePointId) -> list[ReportedVariable]:
        return [
            variable
            for (owner, _), variable in sorted(self._store.variables.items())
            if owner == charge_point_id
        ]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        doomed = indexes_beyond(
            [owner for owner, _ in reversed(self._store.variables)], keep, limit
        )
        keys = list(reversed(self._store.variables))
        for index in doomed:
            del self._store.variables[keys[index]]
        return len(doomed)


def _without(events: list[EventT], keep: int, limit: int) -> tuple[list[EventT], int]:
    """``events`` (oldest first) without the oldest beyond each charge point's ``keep``."""
    newest = list(reversed(events))
    doomed = set(indexes_beyond([event.charge_point_id for event in newest], keep, limit))
    kept = [event for index, event in enumerate(newest) if index not in doomed]
    return list(reversed(kept)), len(doomed)


class MemorySecurityEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, event: SecurityEvent) -> None:
        require_charge_point(self._store, event.charge_point_id)
        sequence = len(self._store.security_events) + 1
        self._store.security_events.append(dataclasses.replace(event, sequence=sequence))

    async def page(
        self, charge_point_id: ChargePointId, before: int | None, limit: int
    ) -> list[SecurityEvent]:
        found = [
            event
            for event in reversed(self._store.security_events)
            if event.charge_point_id == charge_point_id
            and (before is None or event.sequence < before)
        ]
        return found[:limit]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        self._store.security_events, count = _without(self._store.security_events, keep, limit)
        return count


class MemoryStationEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, events: Sequence[StationEvent]) -> None:
        for event in events:
            require_charge_point(self._store, event.charge_point_id)
            sequence = len(self._store.station_events) + 1
            self._store.station_events.append(dataclasses.replace(event, sequence=sequence))

    async def page(
        self,
        charge_point_id: ChargePointId,
        before: int | None,
        limit: int,
        where: EventFilter | None = None,
    ) -> list[StationEvent]:
        found = [
            event
            for event in reversed(self._store.station_events)
            if event.charge_point_id == charge_point_id
            and (before is None or event.sequence < before)
            and (where is None or where.matches(event))
        ]
        return found[:limit]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        self._store.station_events, count = _without(self._store.station_events, keep, limit)
        return count


class MemoryFirmwareReportRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, report: FirmwareReport) -> None:
        require_charge_point(self._store, report.charge_point_id)
        # After the last one stored: a purge shortens the list, the ids of SQL go on.
        sequence = max((r.sequence for r in self._store.firmware_reports), default=0) + 1
        self._store.firmware_reports.append(dataclasses.replace(report, sequence=sequence))

    async def reports(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareReport]:
        return [
            report
            for report in self._store.firmware_reports
            if report.charge_point_id == charge_point_id and report.kind is kind
        ]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        self._store.firmware_reports, count = _without(self._store.firmware_reports, keep, limit)
        return count


class MemoryFirmwareOrderRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def save(self, order: FirmwareOrder) -> None:
        require_charge_point(self._store, order.charge_point_id)
        key = (order.charge_point_id, order.kind, order.request_id)
        self._store.firmware_orders[key] = order

    async def orders(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareOrder]:
        return [
            order
            for (owner, owned_kind, _), order in self._store.firmware_orders.items()
            if owner == charge_point_id and owned_kind is kind
        ]


class MemoryJournalRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, entries: Sequence[JournalEntry]) -> None:
        for entry in entries:
            self._store.journal_sequence += 1
            stored = dataclasses.replace(entry, sequence=self._store.journal_sequence)
            self._store.journal.append(stored)

    async def page(self, query: JournalQuery) -> list[JournalEntry]:
        found = sorted(filter(query.matches, self._store.journal), key=newest_first, reverse=True)
        return found[: query.limit]

    async def delete_before(self, cutoff: datetime, limit: int) -> int:
        expired = sorted((e for e in self._store.journal if e.at < cutoff), key=newest_first)
        gone = {entry.sequence for entry in expired[:limit]}
        self._store.journal = [e for e in self._store.journal if e.sequence not in gone]
        return len(gone)

    async def delete_beyond(self, max_bytes: int, overhead: int, limit: int) -> int:
        kept: dict[str, int] = {}
        over: list[int] = []
        for entry in sorted(self._store.journal, key=lambda e: e.sequence, reverse=True):
            owner = entry.charge_point_id
            kept[owner] = kept.get(owner, 0) + len(entry.payload) + overhead
            if kept[owner] > max_bytes:
                over.append(entry.sequence)
        gone = set(sorted(over)[:limit])
        self._store.journal = [e for e in self._store.journal if e.sequence not in gone]
        return len(gone)


class MemoryMonitorRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def save(self, monitors: Sequence[Monitor]) -> None:
        for monitor in monitors:
            require_charge_point(self._store, monitor.charge_point_id)
            key = (monitor.charge_point_id, monitor.id)
            # Re-inserted, so the dict's order stays the order of last update.
            self._store.monitors.pop(key, None)
            self._store.monitors[key] = monitor

    async def delete(self, charge_point_id: ChargePointId, ids: Sequence[int]) -> None:
        for monitor_id in ids:
            self._store.monitors.pop((charge_point_id, monitor_id), None)

    async def delete_not_in_report(self, charge_point_id: ChargePointId, request_id: int) -> None:
        self._store.monitors = {
            key: monitor
            for key, monitor in self._store.monitors.items()
            if monitor.charge_point_id != charge_point_id or monitor.report_id == request_id
        }

    async def severities(
        self, charge_point_id: ChargePointId, ids: Sequence[int]
    ) -> dict[int, int]:
        found = (self._store.monitors.get((charge_point_id, i)) for i in ids)
        return {monitor.id: monitor.severity for monitor in found if monitor is not None}

    async def page(self, query: MonitorQuery) -> list[Monitor]:
        found = sorted(
            (monitor for monitor in self._store.monitors.values() if query.matches(monitor)),
            key=lambda monitor: monitor.id,
        )
        return found[: query.limit]

    async def delete_beyond(self, keep: int, limit: int) -> int:
        newest = sorted(
            self._store.monitors, key=lambda key: self._store.monitors[key].updated_at, reverse=True
        )
        doomed = indexes_beyond([key[0] for key in newest], keep, limit)
        for index in doomed:
            del self._store.monitors[newest[index]]
        return len(doomed)


class MemoryUnitOfWork(unit_of_work.MemoryUnitOfWork[MemoryStore]):
    @property
    def charge_points(self) -> MemoryChargePointRepository:
        return MemoryChargePointRepository(self.working)

    @property
    def device_models(self) -> MemoryDeviceModelRepository:
        return MemoryDeviceModelRepository(self.working)

    @property
    def security_events(self) -> MemorySecurityEventRepository:
        return MemorySecurityEventRepository(self.working)

    @property
    def station_events(self) -> MemoryStationEventRepository:
        return MemoryStationEventRepository(self.working)

    @property
    def journal(self) -> MemoryJournalRepository:
        return MemoryJournalRepository(self.working)

    @property
    def monitors(self) -> MemoryMonitorRepository:
        return MemoryMonitorRepository(self.working)

    @property
    def station_requests(self) -> MemoryStationRequestRepository:
        return MemoryStationRequestRepository(self.working)

    @property
    def display_messages(self) -> MemoryDisplayMessageRepository:
        return MemoryDisplayMessageRepository(self.working)

    @property
    def smart_charging(self) -> MemorySmartChargingRepository:
        return MemorySmartChargingRepository(self.working)

    @property
    def firmware_reports(self) -> MemoryFirmwareReportRepository:
        return MemoryFirmwareReportRepository(self.working)

    @property
    def firmware_orders(self) -> MemoryFirmwareOrderRepository:
        return MemoryFirmwareOrderRepository(self.working)
