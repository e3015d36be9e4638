"""What chargepoint_svc keeps of one station, and the purge that holds it to that.

A station within its message rate can still send a CSMS_MAX_MESSAGE_BYTES frame every
1/CSMS_MESSAGE_RATE seconds, about 1.3 MB/s at the defaults; whatever is stored per
station needs a bound besides the rate. Each record gets one (README "Storage bounds"):

- the message journal: entries older than its retention, and each charge point's oldest
  entries beyond its byte budget (every entry weighs its payload's characters plus
  :data:`ENTRY_OVERHEAD`, the rest of its row and its indexes, so small frames count too);
- security events, NotifyEvent events and firmware status notifications: each charge
  point's oldest beyond a row count;
- the device model: each charge point's least recently reported variable attributes
  beyond a row count (a real full inventory has a few thousand);
- monitors: each charge point's least recently updated beyond the device model's row
  count (a monitor watches a variable; real stations keep far fewer than they report);
- connectors: each charge point's least recently updated beyond
  :data:`CONNECTORS_PER_STATION`, a fixed bound far above any real station, since a
  StatusNotification for every 32-bit connector id would otherwise add a row each.

Stored fields are bounded where they are stored (the journal cuts a payload at
:data:`chargepoint_svc.domain.journal.MAX_PAYLOAD_CHARS`; events and variables refuse what
OCPP's own field widths do not allow). The purge runs every CSMS_PURGE_INTERVAL seconds,
so between two purges a station may be above its bounds by what it sends meanwhile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from chargepoint_svc.ports import UnitOfWork
from chargepoint_svc.use_cases.message_journal import PURGE_BATCH, MessageJournal
from servicekit.purge import in_batches

# What one journal entry weighs besides its payload: the charge point id, times, ids and
# action of its row and the two index entries, rounded up.
ENTRY_OVERHEAD = 256

# (EVSE, connector) pairs kept per charge point: real stations have a handful.
CONNECTORS_PER_STATION = 256


@dataclass(frozen=True)
class Retention:
    """The bounds per charge point (:mod:`servicekit.storage_settings`)."""

    journal_bytes: int
    station_events: int
    device_model: int


@dataclass(frozen=True)
class Purged:
    """How many rows one purge deleted, by why."""

    journal_expired: int = 0
    journal_over_bytes: int = 0
    security_events: int = 0
    station_events: int = 0
    device_model: int = 0
    connectors: int = 0
    monitors: int = 0
    firmware_reports: int = 0

    def __bool__(self) -> bool:
        return any(vars(self).values())


class StoragePurge:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        journal: MessageJournal,
        retention: Retention,
        batch: int = PURGE_BATCH,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._journal = journal
        self.retention = retention
        self._batch = batch

    async def run(self) -> Purged:
        """One purge of every record, each in transactions of at most ``batch`` rows."""
        bounds = self.retention
        return Purged(
            journal_expired=await self._journal.purge(self._batch),
            journal_over_bytes=await self._batched(
                lambda uow, n: uow.journal.delete_beyond(bounds.journal_bytes, ENTRY_OVERHEAD, n)
            ),
            security_events=await self._batched(
                lambda uow, n: uow.security_events.delete_beyond(bounds.station_events, n)
            ),
            station_events=await self._batched(
                lambda uow, n: uow.station_events.delete_beyond(bounds.station_events, n)
            ),
            device_model=await self._batched(
                lambda uow, n: uow.device_models.delete_beyond(bounds.device_model, n)
            ),
            connectors=await self._batched(
                lambda uow, n: uow.charge_points.delete_connectors_beyond(CONNECTORS_PER_STATION, n)
            ),
            monitors=await self._batched(
                lambda uow, n: uow.monitors.delete_beyond(bounds.device_model, n)
            ),
            firmware_reports=await self._batched(
                lambda uow, n: uow.firmware_reports.delete_beyond(bounds.station_events, n)
            ),
        )

    async def _batched(self, step: Callable[[UnitOfWork, int], Awaitable[int]]) -> int:
        return await in_batches(self._unit_of_work, step, self._batch)
