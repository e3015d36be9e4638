"""In-memory twins of the SQL repositories and unit of work, for fast use-case tests.

A :class:`MemoryStore` plays the database; each :class:`MemoryUnitOfWork` works on a copy
of it and writes the copy back on commit, so a unit of work left without a commit changes
nothing, as a rolled-back transaction would.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from chargepoint_svc.domain import ChargePoint, ChargePointId, Connector, DataTransfer

ConnectorKey = tuple[str, int, int]


@dataclass
class MemoryStore:
    """The committed state: charge points (without connectors), connectors, transfers."""

    charge_points: dict[str, ChargePoint] = field(default_factory=dict)
    connectors: dict[ConnectorKey, Connector] = field(default_factory=dict)
    data_transfers: list[DataTransfer] = field(default_factory=list)
    commits: int = 0

    def copy(self) -> MemoryStore:
        return MemoryStore(
            dict(self.charge_points), dict(self.connectors), list(self.data_transfers), self.commits
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

    async def page(self, after: str | None, limit: int) -> list[ChargePoint]:
        ids = sorted(key for key in self._store.charge_points if after is None or key > after)
        return [self._with_connectors(self._store.charge_points[key]) for key in ids[:limit]]

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

    def _with_connectors(self, charge_point: ChargePoint) -> ChargePoint:
        owned = sorted(
            (key, value)
            for key, value in self._store.connectors.items()
            if key[0] == charge_point.id
        )
        return dataclasses.replace(charge_point, connectors=tuple(value for _, value in owned))


class MemoryDataTransferRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, transfer: DataTransfer) -> None:
        if transfer.charge_point_id not in self._store.charge_points:
            raise LookupError(f"no charge point {transfer.charge_point_id!r}")
        self._store.data_transfers.append(transfer)

    async def for_charge_point(self, charge_point_id: ChargePointId) -> list[DataTransfer]:
        return [t for t in self._store.data_transfers if t.charge_point_id == charge_point_id]


class MemoryUnitOfWork:
    charge_points: MemoryChargePointRepository
    data_transfers: MemoryDataTransferRepository

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._working = store.copy()

    async def __aenter__(self) -> Self:
        await self.rollback()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._store.charge_points = dict(self._working.charge_points)
        self._store.connectors = dict(self._working.connectors)
        self._store.data_transfers = list(self._working.data_transfers)
        self._store.commits += 1

    async def rollback(self) -> None:
        self._working = self._store.copy()
        self.charge_points = MemoryChargePointRepository(self._working)
        self.data_transfers = MemoryDataTransferRepository(self._working)
