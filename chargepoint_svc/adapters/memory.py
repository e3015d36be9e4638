"""In-memory twins of the SQL repositories and unit of work, for fast use-case tests.

A :class:`MemoryStore` plays the database; each :class:`MemoryUnitOfWork` works on a copy
of it and writes the copy back on commit, so a unit of work left without a commit changes
nothing, as a rolled-back transaction would.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from chargepoint_svc.domain import ChargePoint, ChargePointId, Connector, DataTransfer
from servicekit import unit_of_work

ConnectorKey = tuple[str, int, int]


@dataclass
class MemoryStore(unit_of_work.MemoryStore):
    """The committed state: charge points (without connectors), connectors, transfers."""

    charge_points: dict[str, ChargePoint] = field(default_factory=dict)
    connectors: dict[ConnectorKey, Connector] = field(default_factory=dict)
    data_transfers: list[DataTransfer] = field(default_factory=list)


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


class MemoryUnitOfWork(unit_of_work.MemoryUnitOfWork[MemoryStore]):
    @property
    def charge_points(self) -> MemoryChargePointRepository:
        return MemoryChargePointRepository(self.working)

    @property
    def data_transfers(self) -> MemoryDataTransferRepository:
        return MemoryDataTransferRepository(self.working)
