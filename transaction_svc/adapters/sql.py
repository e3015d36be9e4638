"""The repositories and unit of work over SQLAlchemy Core on an async engine.

One unit of work is one connection and one database transaction. Datetimes are written in
UTC and read back through :func:`servicekit.timestamps.as_utc`, because SQLite returns them
naive.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from servicekit import unit_of_work
from servicekit.database import DIALECT_INSERTS
from servicekit.row_bounds import beyond_bound
from servicekit.timestamps import as_utc
from transaction_svc.adapters.sql_events import SqlTransactionEventRepository
from transaction_svc.adapters.sql_orphans import SqlOrphanReportRepository
from transaction_svc.adapters.sql_reservations import SqlReservationRepository
from transaction_svc.adapters.tables import meter_reports, meter_values, transactions
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.closure import Closure, ClosureCause
from transaction_svc.domain.meter_values import (
    ENERGY_REGISTER,
    WH_PER_UNIT,
    MeterReport,
    MeterSample,
    SampledValue,
)
from transaction_svc.domain.transaction import (
    StopReason,
    Transaction,
    TransactionQuery,
    TransactionStart,
    TransactionStatus,
)

# The statements of the per-message paths (MeterValues, stops, events), built once:
# SQLAlchemy finds their compiled form by identity instead of building, coercing and
# hashing a new statement for every message.
_BY_ID = select(transactions).where(transactions.c.id == bindparam("transaction_id"))
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()
_BY_STATION_ID = select(transactions).where(
    transactions.c.charge_point_id == bindparam("cp_id"),
    transactions.c.station_transaction_id == bindparam("station_id"),
)
_BY_STATION_ID_FOR_UPDATE = _BY_STATION_ID.with_for_update()
_SAVE_ACTIVE = (
    update(transactions)
    .where(
        transactions.c.id == bindparam("transaction_id"),
        transactions.c.status == TransactionStatus.ACTIVE.name,
    )
    .values(
        {
            column: bindparam(column)
            for column in (
                "status",
                "meter_stop_wh",
                "energy_wh",
                "stopped_at",
                "stop_reason",
                "stop_id_tag",
                "id_tag",
                "id_token_type",
                "authorization_status",
                "charging_state",
                "closure_cause",
                "closure_note",
                "closed_by",
                "updated_at",
            )
        }
    )
)
_ADD_SAMPLES = insert(meter_values)
_NOTE_REPORT = {
    name: dialect_insert(meter_reports).on_conflict_do_nothing(
        index_elements=["charge_point_id", "fingerprint"]
    )
    for name, dialect_insert in DIALECT_INSERTS.items()
}


# SampledValue.energy_register_wh() in SQL: the whole-meter import register (an empty
# measurand means it), no phase, a unit it converts. Units are ASCII, so SQL's lower()
# agrees with Python's.
_LATEST_REGISTER = (
    select(meter_values)
    .where(
        meter_values.c.transaction_id == bindparam("transaction_id"),
        meter_values.c.measurand.in_(["", ENERGY_REGISTER]),
        meter_values.c.phase == "",
        func.lower(meter_values.c.unit).in_(list(WH_PER_UNIT)),
    )
    .order_by(meter_values.c.sampled_at.desc(), meter_values.c.id.desc())
    .limit(1)
)


def _sample(row: Row[Any]) -> MeterSample:
    return MeterSample(
        transaction_id=row.transaction_id,
        charge_point_id=row.charge_point_id,
        evse_id=row.evse_id,
        connector_id=row.connector_id,
        sampled_at=as_utc(row.sampled_at),
        sampled_value=SampledValue(
            value=row.value,
            measurand=row.measurand,
            unit=row.unit,
            context=row.context,
            phase=row.phase,
            location=row.location,
            signed_data=row.signed_data,
        ),
    )


def _optional_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _transaction(row: Row[Any]) -> Transaction:
    return Transaction(
        id=row.id,
        charge_point_id=row.charge_point_id,
        evse_id=row.evse_id,
        connector_id=row.connector_id,
        id_tag=row.id_tag,
        status=TransactionStatus[row.status],
        meter_start_wh=row.meter_start_wh,
        meter_stop_wh=row.meter_stop_wh,
        energy_wh=row.energy_wh,
        started_at=as_utc(row.started_at),
        stopped_at=_optional_utc(row.stopped_at),
        stop_reason=None if row.stop_reason is None else StopReason[row.stop_reason],
        stop_id_tag=row.stop_id_tag,
        reservation_id=row.reservation_id,
        ocpp_version=row.ocpp_version,
        # "" stands for no decision (a 2.x transaction without an identifier), see tables.
        authorization_status=(
            AuthorizationStatus[row.authorization_status] if row.authorization_status else None
        ),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        station_transaction_id=row.station_transaction_id,
        charging_state=row.charging_state,
        id_token_type=row.id_token_type,
        closure=(
            None
            if row.closure_cause is None
            else Closure(ClosureCause[row.closure_cause], row.closure_note, row.closed_by)
        ),
    )


def _status_name(status: AuthorizationStatus | None) -> str:
    return "" if status is None else status.name


class SqlTransactionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self,
        start: TransactionStart,
        authorization_status: AuthorizationStatus | None,
        now: datetime,
    ) -> Transaction:
        result = await self._connection.execute(
            insert(transactions).values(
                charge_point_id=start.charge_point_id,
                evse_id=start.evse_id,
                connector_id=start.connector_id,
                id_tag=start.id_tag,
                status=TransactionStatus.ACTIVE.name,
                meter_start_wh=start.meter_start_wh,
                energy_wh=0.0,
                started_at=as_utc(start.started_at),
                reservation_id=start.reservation_id,
                ocpp_version=start.ocpp_version,
                authorization_status=_status_name(authorization_status),
                created_at=as_utc(now),
                updated_at=as_utc(now),
                station_transaction_id=start.station_transaction_id,
                charging_state=start.charging_state,
                id_token_type=start.id_token_type,
            )
        )
        (transaction_id,) = result.inserted_primary_key or (None,)
        if transaction_id is None:
            raise RuntimeError("the database allocated no id for the new transaction")
        found = await self.get(int(transaction_id))
        if found is None:
            raise RuntimeError(f"transaction {transaction_id} vanished right after its insert")
        return found

    async def get(self, transaction_id: int, *, for_update: bool = False) -> Transaction | None:
        statement = _BY_ID_FOR_UPDATE if for_update else _BY_ID
        parameters = {"transaction_id": transaction_id}
        row = (await self._connection.execute(statement, parameters)).one_or_none()
        return None if row is None else _transaction(row)

    async def find_by_station_id(
        self, charge_point_id: str, station_transaction_id: str, *, for_update: bool = False
    ) -> Transaction | None:
        statement = _BY_STATION_ID_FOR_UPDATE if for_update else _BY_STATION_ID
        parameters = {"cp_id": charge_point_id, "station_id": station_transaction_id}
        row = (await self._connection.execute(statement, parameters)).one_or_none()
        return None if row is None else _transaction(row)

    async def find_active(self, charge_point_id: str, connector_id: int) -> list[Transaction]:
        rows = await self._connection.execute(
            select(transactions)
            .where(
                transactions.c.charge_point_id == charge_point_id,
                transactions.c.connector_id == connector_id,
                transactions.c.status == TransactionStatus.ACTIVE.name,
            )
            .order_by(transactions.c.id)
        )
        return [_transaction(row) for row in rows]

    async def active_on_evse(self, charge_point_id: str, evse_id: int) -> list[Transaction]:
        rows = await self._connection.execute(
            select(transactions)
            .where(
                transactions.c.charge_point_id == charge_point_id,
                transactions.c.evse_id == evse_id,
                transactions.c.status == TransactionStatus.ACTIVE.name,
            )
            .order_by(transactions.c.id)
        )
        return [_transaction(row) for row in rows]

    async def save(self, transaction: Transaction) -> bool:
        reason = transaction.stop_reason
        closure = transaction.closure
        result = await self._connection.execute(
            _SAVE_ACTIVE,
            {
                "transaction_id": transaction.id,
                "status": transaction.status.name,
                "meter_stop_wh": transaction.meter_stop_wh,
                "energy_wh": transaction.energy_wh,
                "stopped_at": _optional_utc(transaction.stopped_at),
                "stop_reason": None if reason is None else reason.name,
                "stop_id_tag": transaction.stop_id_tag,
                "id_tag": transaction.id_tag,
                "id_token_type": transaction.id_token_type,
                "authorization_status": _status_name(transaction.authorization_status),
                "charging_state": transaction.charging_state,
                "closure_cause": None if closure is None else closure.cause.name,
                "closure_note": None if closure is None else closure.note,
                "closed_by": None if closure is None else closure.closed_by,
                "updated_at": as_utc(transaction.updated_at),
            },
        )
        return result.rowcount == 1

    async def search(self, query: TransactionQuery) -> list[Transaction]:
        statement = select(transactions).order_by(transactions.c.id.desc()).limit(query.limit)
        if query.before_id is not None:
            statement = statement.where(transactions.c.id < query.before_id)
        statement = statement.where(*_filters(query))
        return [_transaction(row) for row in await self._connection.execute(statement)]

    async def count(self, query: TransactionQuery) -> int:
        statement = select(func.count()).select_from(transactions).where(*_filters(query))
        return int(await self._connection.scalar(statement) or 0)

    async def count_active(self, id_tag: str) -> int:
        count = await self._connection.scalar(
            select(func.count())
            .select_from(transactions)
            .where(
                transactions.c.id_tag == id_tag,
                transactions.c.status == TransactionStatus.ACTIVE.name,
            )
        )
        return int(count or 0)

    async def count_by_status(self) -> dict[TransactionStatus, int]:
        rows = await self._connection.execute(
            select(transactions.c.status, func.count()).group_by(transactions.c.status)
        )
        return {TransactionStatus[status]: int(count) for status, count in rows}


def _filters(query: TransactionQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the query's filters (not its page bounds)."""
    table = transactions.c
    found: list[ColumnElement[bool]] = []
    if query.charge_point_id is not None:
        found.append(table.charge_point_id == query.charge_point_id)
    if query.status is not None:
        found.append(table.status == query.status.name)
    if query.id_tag is not None:
        found.append(table.id_tag == query.id_tag)
    if query.started_after is not None:
        found.append(table.started_at >= as_utc(query.started_after))
    if query.started_before is not None:
        found.append(table.started_at < as_utc(query.started_before))
    return found


class SqlMeterSampleRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, samples: Sequence[MeterSample]) -> None:
        if not samples:
            return
        await self._connection.execute(
            _ADD_SAMPLES,
            [
                {
                    "transaction_id": sample.transaction_id,
                    "charge_point_id": sample.charge_point_id,
                    "evse_id": sample.evse_id,
                    "connector_id": sample.connector_id,
                    "sampled_at": as_utc(sample.sampled_at),
                    "value": sample.sampled_value.value,
                    "measurand": sample.sampled_value.measurand,
                    "unit": sample.sampled_value.unit,
                    "context": sample.sampled_value.context,
                    "phase": sample.sampled_value.phase,
                    "location": sample.sampled_value.location,
                    "signed_data": sample.sampled_value.signed_data,
                }
                for sample in samples
            ],
        )

    async def of_transaction(self, transaction_id: int) -> list[MeterSample]:
        rows = await self._connection.execute(
            select(meter_values)
            .where(meter_values.c.transaction_id == transaction_id)
            .order_by(meter_values.c.sampled_at, meter_values.c.id)
        )
        return [_sample(row) for row in rows]

    async def latest_energy_register(self, transaction_id: int) -> MeterSample | None:
        parameters = {"transaction_id": transaction_id}
        row = (await self._connection.execute(_LATEST_REGISTER, parameters)).one_or_none()
        return None if row is None else _sample(row)

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        return await _loose_beyond(self._connection, meter_values, keep, limit)


class SqlMeterReportRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, report: MeterReport, now: datetime) -> bool:
        values = {
            "charge_point_id": report.charge_point_id,
            "fingerprint": report.fingerprint(),
            "transaction_id": report.transaction_id,
            "received_at": as_utc(now),
        }
        # INSERT ... ON CONFLICT DO NOTHING: a concurrent unit of work noting the same report
        # makes this one wait for its end, then note nothing (SQLite serialises writers
        # anyway): never a second row, never an error for a repeat.
        statement = _NOTE_REPORT[self._connection.dialect.name]
        result = await self._connection.execute(statement, values)
        return result.rowcount == 1

    async def delete_loose_beyond(self, keep: int, limit: int) -> int:
        return await _loose_beyond(self._connection, meter_reports, keep, limit)


async def _loose_beyond(connection: AsyncConnection, table: Table, keep: int, limit: int) -> int:
    """Delete rows of ``table`` that belong to no transaction beyond each charge point's
    ``keep`` newest (by id: ids only grow)."""
    statement = beyond_bound(
        table,
        keys=("id",),
        newest_first=[table.c.id.desc()],
        weight=literal(1),
        bound=keep,
        limit=limit,
        where=table.c.transaction_id.is_(None),
    )
    return int((await connection.execute(statement)).rowcount)


class SqlUnitOfWork(unit_of_work.SqlUnitOfWork):
    """One connection and one database transaction, rolled back unless committed."""

    @property
    def transactions(self) -> SqlTransactionRepository:
        return SqlTransactionRepository(self.connection)

    @property
    def meter_samples(self) -> SqlMeterSampleRepository:
        return SqlMeterSampleRepository(self.connection)

    @property
    def meter_reports(self) -> SqlMeterReportRepository:
        return SqlMeterReportRepository(self.connection)

    @property
    def transaction_events(self) -> SqlTransactionEventRepository:
        return SqlTransactionEventRepository(self.connection)

    @property
    def reservations(self) -> SqlReservationRepository:
        return SqlReservationRepository(self.connection)

    @property
    def orphan_reports(self) -> SqlOrphanReportRepository:
        return SqlOrphanReportRepository(self.connection)
