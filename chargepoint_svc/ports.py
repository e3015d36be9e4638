"""What the use cases need from storage: repositories inside one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, Connector
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.firmware import (
    FirmwareKind,
    FirmwareOrder,
    FirmwareReport,
    Publication,
    SignedUpdate,
)
from chargepoint_svc.domain.journal import JournalEntry, JournalQuery
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from servicekit import unit_of_work


class ChargePointRepository(Protocol):
    async def get(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        """The charge point with its connectors (ordered by EVSE, connector), or None."""
        ...

    async def lock(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        """Like :meth:`get`, and hold the charge point against concurrent writers until
        the unit of work ends, so that a read-decide-write on it is not interleaved."""
        ...

    async def mark_seen(self, charge_point_id: ChargePointId, at: datetime) -> bool:
        """Set the stored charge point's last_seen_at and updated_at to ``at`` and hold it
        as :meth:`lock` does, in one statement; False, and nothing changed, when none is
        stored. The path of the messages that only say "still here" (Heartbeat)."""
        ...

    async def connector(
        self, charge_point_id: ChargePointId, evse_id: int, connector_id: int
    ) -> Connector | None:
        """The one stored connector, or None."""
        ...

    async def page(self, after: str | None, limit: int) -> list[ChargePoint]:
        """Up to ``limit`` charge points with ids greater than ``after``, ordered by id."""
        ...

    async def add(self, charge_point: ChargePoint) -> bool:
        """Insert a new charge point (without connectors). False, and nothing changed,
        when one with that id exists already, even if another unit of work inserted it
        concurrently: that never fails with an integrity error."""
        ...

    async def update(self, charge_point: ChargePoint) -> None:
        """Store the charge point's own fields (not its connectors, not created_at)."""
        ...

    async def save_connector(self, charge_point_id: ChargePointId, connector: Connector) -> None:
        """Insert or replace the connector with the same EVSE and connector id."""
        ...

    async def delete_connectors_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` connectors of charge points that have more than ``keep``,
        the least recently updated first; how many were deleted."""
        ...


class DeviceModelRepository(Protocol):
    async def save(
        self,
        charge_point_id: ChargePointId,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
    ) -> None:
        """Insert each variable, or replace the stored one with the same key."""
        ...

    async def variables(self, charge_point_id: ChargePointId) -> list[ReportedVariable]:
        """Every stored variable of that charge point, ordered by key."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` variables of charge points that have more than ``keep``,
        the least recently reported first; how many were deleted."""
        ...


class SecurityEventRepository(Protocol):
    async def add(self, event: SecurityEvent) -> None: ...

    async def page(
        self, charge_point_id: ChargePointId, before: int | None, limit: int
    ) -> list[SecurityEvent]:
        """Up to ``limit`` events of that charge point with a sequence below ``before``
        (all when None), newest (highest sequence) first."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` events of charge points that have more than ``keep``,
        oldest first; how many were deleted."""
        ...


class StationEventRepository(Protocol):
    async def add(self, events: Sequence[StationEvent]) -> None: ...

    async def page(
        self, charge_point_id: ChargePointId, before: int | None, limit: int
    ) -> list[StationEvent]:
        """As :meth:`SecurityEventRepository.page`."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """As :meth:`SecurityEventRepository.delete_beyond`."""
        ...


class FirmwareReportRepository(Protocol):
    async def add(self, report: FirmwareReport) -> None: ...

    async def reports(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareReport]:
        """Every stored report of that kind of that charge point, in order of arrival (the
        purge bounds how many there are)."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """As :meth:`SecurityEventRepository.delete_beyond`."""
        ...


class FirmwareOrderRepository(Protocol):
    async def save(self, order: FirmwareOrder) -> None:
        """Insert the order, or replace the one with the same charge point, kind and
        request id."""
        ...

    async def orders(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareOrder]:
        """Every order of that kind sent to that charge point."""
        ...


class FirmwareStations(Protocol):
    """The firmware calls this service sends to charge points through the edge's
    EdgeService, each answered with the station's answer and the request id sent. Each
    raises the station errors of :mod:`servicekit.edge_errors` with the status the edge
    gave (a request the edge finds invalid: StationRequestInvalid, nothing sent)."""

    async def update_signed_firmware(self, update: SignedUpdate) -> tuple[str, int]: ...

    async def publish_firmware(self, publication: Publication) -> tuple[str, int]: ...

    async def unpublish_firmware(self, charge_point_id: str, checksum: str) -> str:
        """The station's answer: Unpublished, NoFirmware or DownloadOngoing."""
        ...


class JournalRepository(Protocol):
    async def add(self, entries: Sequence[JournalEntry]) -> None:
        """Insert the entries; storage numbers them in this order."""
        ...

    async def page(self, query: JournalQuery) -> list[JournalEntry]:
        """Up to ``query.limit`` matching entries, newest (``at``, then ``sequence``) first."""
        ...

    async def delete_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` entries older than ``cutoff``; how many were deleted."""
        ...

    async def delete_beyond(self, max_bytes: int, overhead: int, limit: int) -> int:
        """Delete up to ``limit`` entries of charge points whose entries weigh more than
        ``max_bytes`` (each: its payload's characters plus ``overhead``), oldest first,
        until each keeps its newest entries within it; how many were deleted."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One atomic change: everything done through its repositories is stored by
    :meth:`commit`, or nothing is (leaving the ``async with`` block without a commit
    rolls back)."""

    @property
    def charge_points(self) -> ChargePointRepository: ...

    @property
    def device_models(self) -> DeviceModelRepository: ...

    @property
    def security_events(self) -> SecurityEventRepository: ...

    @property
    def station_events(self) -> StationEventRepository: ...

    @property
    def journal(self) -> JournalRepository: ...

    @property
    def firmware_reports(self) -> FirmwareReportRepository: ...

    @property
    def firmware_orders(self) -> FirmwareOrderRepository: ...
