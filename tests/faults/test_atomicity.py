"""Every station message the transaction service stores in several writes is stored whole
or not at all: a connection lost before any one of the writes, or before the commit,
leaves the database exactly as it was, and the station's retry then stores it once.

The fault is injected into the real SQL unit of work (SQLite and PostgreSQL), at each
write in turn: the use cases run as the service runs them, and the engine fails the
n-th INSERT or UPDATE (or the COMMIT) as a lost connection would. The messages: a 1.6
StartTransaction that uses a reservation, a MeterValues inside a transaction, a
StopTransaction with transactionData, and 2.0.1 TransactionEvents Started and Ended with
meter values. (The restart test kills the real service mid-flight; this one hits every
point between the writes, which a kill only hits by chance.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.clock import FixedClock
from servicekit.database import create_engine
from servicekit.migrations import upgrade
from tests.support.transaction_factories import (
    a_report,
    a_reservation_request,
    a_start,
    a_stop,
    an_event,
    at,
    register,
)
from transaction_svc.adapters.sql import SqlUnitOfWork
from transaction_svc.adapters.tables import metadata
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.use_cases import TransactionEventUseCases, TransactionUseCases

ACCEPTED = Authorization(AuthorizationStatus.ACCEPTED, at(1000), "GROUP-1")
_WRITES = ("INSERT", "UPDATE", "DELETE")


class Accepting:
    """auth_svc, accepting every identifier."""

    async def authorize(
        self,
        id_tag: str,
        charge_point_id: str,
        purpose: AuthorizationPurpose,
        id_token_type: str = "",
    ) -> Authorization:
        return ACCEPTED


class LostConnection(ConnectionResetError):
    """The injected fault."""


class Faults:
    """Fails the ``at``-th write an engine runs from now on, or failing that the next
    COMMIT, as a connection lost at that moment would; counts the writes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.at: int | None = None
        self.commit = False
        self.writes = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_statement)
        event.listen(engine.sync_engine, "commit", self._before_commit)

    def arm(self, at: int | None, *, commit: bool) -> None:
        self.at, self.commit, self.writes = at, commit, 0

    def _before_statement(self, *args: Any) -> None:
        statement: str = args[2]
        if statement.lstrip().upper().startswith(_WRITES):
            self.writes += 1
            if self.writes == self.at:
                raise LostConnection(f"injected: connection lost before write {self.writes}")

    def _before_commit(self, _connection: Any) -> None:
        if self.commit:
            raise LostConnection("injected: connection lost before COMMIT")


@dataclass
class Service:
    engine: AsyncEngine
    faults: Faults
    transactions: TransactionUseCases
    events: TransactionEventUseCases

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table of the service."""
        async with self.engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in await connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in metadata.sorted_tables
            }


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[Service]:
    await asyncio.to_thread(upgrade, "transaction", database_url)
    engine = create_engine(database_url, "transaction")
    clock = FixedClock(at(1))

    def unit_of_work() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    try:
        yield Service(
            engine,
            Faults(engine),
            TransactionUseCases(unit_of_work, clock, Accepting()),
            TransactionEventUseCases(unit_of_work, clock, Accepting()),
        )
    finally:
        await engine.dispose()


async def stored_whole_or_not_at_all(
    service: Service, message: Callable[[], Awaitable[object]], writes: int
) -> None:
    """Fail ``message`` at each of its ``writes`` writes, then at its commit: nothing
    changes; then let it through: it is stored, once."""
    before = await service.snapshot()
    for at_write in range(1, writes + 2):
        # Past the last write, the COMMIT fails instead.
        service.faults.arm(at_write, commit=True)
        with pytest.raises(LostConnection) as raised:
            await message()
        assert await service.snapshot() == before, f"half-stored: {raised.value}"
    assert "COMMIT" in str(raised.value)
    assert service.faults.writes == writes
    service.faults.arm(None, commit=False)
    await message()
    assert await service.snapshot() != before


async def test_a_start_that_uses_a_reservation(service: Service) -> None:
    async with SqlUnitOfWork(service.engine) as uow:
        reservation = await uow.reservations.add(a_reservation_request(), at(0))
        await uow.reservations.save(
            reservation.answered("ACCEPTED", at(0)), expected=reservation.status
        )
        await uow.commit()

    async def start() -> object:
        return await service.transactions.start(a_start(reservation_id=reservation.id))

    # The transaction, then the reservation USED by it.
    await stored_whole_or_not_at_all(service, start, writes=2)
    snapshot = await service.snapshot()
    assert len(snapshot["transactions"]) == 1


async def test_meter_values_of_a_transaction(service: Service) -> None:
    started = (await service.transactions.start(a_start())).transaction

    async def report() -> None:
        await service.transactions.record_meter_values(
            a_report(started.id, register(10, 3000), register(20, 4000))
        )

    # The report's fingerprint, its samples, the transaction's energy.
    await stored_whole_or_not_at_all(service, report, writes=3)
    transaction = await service.transactions.get(started.id)
    assert (transaction.energy_wh, len(transaction.meter_values)) == (3000.0, 2)


async def test_a_stop_with_transaction_data(service: Service) -> None:
    started = (await service.transactions.start(a_start())).transaction

    async def stop() -> object:
        return await service.transactions.stop(
            a_stop(started.id, meter_values=(register(59, 4900), register(60, 5000)))
        )

    # The completed transaction, its transactionData.
    await stored_whole_or_not_at_all(service, stop, writes=2)
    transaction = await service.transactions.get(started.id)
    assert (transaction.energy_wh, len(transaction.meter_values)) == (4000.0, 2)


async def test_transaction_events_started_and_ended(service: Service) -> None:
    async def started() -> object:
        return await service.events.record(
            an_event(id_tag="TAG-1", meter_values=(register(0, 1000),))
        )

    # The transaction, its sample, its energy and state, the event.
    await stored_whole_or_not_at_all(service, started, writes=4)

    async def ended() -> object:
        return await service.events.record(
            an_event("ENDED", 1, id_tag="TAG-1", meter_values=(register(30, 2500),))
        )

    # The sample, the completed transaction, the event.
    await stored_whole_or_not_at_all(service, ended, writes=3)
    snapshot = await service.snapshot()
    ((transaction_id, *_),) = snapshot["transactions"]
    transaction = await service.transactions.get(transaction_id)
    assert (transaction.status.name, transaction.energy_wh) == ("COMPLETED", 1500.0)
    assert len(snapshot["transaction_events"]) == 2
