"""The use cases over the in-memory adapters and a scripted authorizer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest

from servicekit.clock import FixedClock
from tests.support.transaction_factories import a_report, a_start, a_stop, at, register
from tests.transaction_svc.support.authorizer import ACCEPTED, ScriptedAuthorizer
from transaction_svc.adapters.memory import (
    MemoryStore,
    MemoryTransactionRepository,
    MemoryUnitOfWork,
)
from transaction_svc.domain.authorization import (
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.domain.meter_values import MeterSample, MeterValue, SampledValue
from transaction_svc.domain.orphan import OrphanCause, OrphanKind, OrphanQuery, Reconciliation
from transaction_svc.domain.transaction import (
    StopReason,
    Transaction,
    TransactionQuery,
    TransactionStatus,
)
from transaction_svc.errors import (
    AuthServiceUnavailable,
    InvalidTransactionRequest,
    OrphanReportReconciled,
    TransactionNotFound,
)
from transaction_svc.use_cases import OrphanReportUseCases, TransactionUseCases

pytestmark = pytest.mark.unit


@dataclass
class World:
    store: MemoryStore
    authorizer: ScriptedAuthorizer
    use_cases: TransactionUseCases


@pytest.fixture
def world() -> World:
    store = MemoryStore()
    authorizer = ScriptedAuthorizer({"TAG-1": ACCEPTED})
    use_cases = TransactionUseCases(lambda: MemoryUnitOfWork(store), FixedClock(at(90)), authorizer)
    return World(store, authorizer, use_cases)


async def test_start_records_an_accepted_transaction(world: World) -> None:
    # Reservation 12 is not one the CSMS holds: the transaction uses none.
    outcome = await world.use_cases.start(a_start(reservation_id=12))
    assert outcome.authorization == ACCEPTED
    transaction = outcome.transaction
    assert transaction.id == 1
    assert transaction.status is TransactionStatus.ACTIVE
    assert transaction.authorization_status is AuthorizationStatus.ACCEPTED
    assert transaction.reservation_id is None
    assert transaction.created_at == at(90)
    assert world.store.transactions[1] == transaction
    assert world.authorizer.asked == [("TAG-1", "CP-1", AuthorizationPurpose.START_TRANSACTION)]


async def test_start_is_recorded_whatever_the_decision(world: World) -> None:
    outcome = await world.use_cases.start(a_start(id_tag="STRANGER"))
    assert outcome.authorization.status is AuthorizationStatus.INVALID
    assert outcome.transaction.authorization_status is AuthorizationStatus.INVALID
    assert world.store.transactions[outcome.transaction.id].is_active


async def test_start_stores_nothing_when_auth_is_unavailable(world: World) -> None:
    world.authorizer.available = False
    with pytest.raises(AuthServiceUnavailable, match="auth service unavailable"):
        await world.use_cases.start(a_start())
    assert world.store.transactions == {}


async def test_ids_are_allocated_in_sequence(world: World) -> None:
    first = await world.use_cases.start(a_start())
    second = await world.use_cases.start(a_start(connector_id=2))
    assert (first.transaction.id, second.transaction.id) == (1, 2)


async def test_a_retried_start_gets_the_same_transaction_and_decision(world: World) -> None:
    first = await world.use_cases.start(a_start())
    # auth_svc now counts the transaction itself as concurrent use (its answer keeps the
    # tag's expiry and group).
    world.authorizer.decisions["TAG-1"] = replace(
        ACCEPTED, status=AuthorizationStatus.CONCURRENT_TX
    )
    again = await world.use_cases.start(a_start())
    assert again.transaction == first.transaction
    assert again.authorization == first.authorization == ACCEPTED
    assert len(world.store.transactions) == 1


async def test_stop_completes_and_stores_transaction_data(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    data = (register(0, 1000, context="Transaction.Begin"), register(60, 5000))
    outcome = await world.use_cases.stop(
        a_stop(started.id, reason=StopReason.REMOTE, meter_values=data)
    )
    stopped = outcome.transaction
    assert stopped.status is TransactionStatus.COMPLETED
    assert stopped.energy_wh == 4000.0
    assert stopped.stop_reason is StopReason.REMOTE
    assert stopped.stopped_at == at(60)
    assert outcome.authorization is None
    assert [s.transaction_id for s in world.store.samples] == [started.id, started.id]
    assert (await world.use_cases.get(started.id)).meter_values == data


async def test_a_repeated_stop_changes_nothing(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    first = await world.use_cases.stop(a_stop(started.id, meter_values=(register(60, 5000),)))
    commits = world.store.commits
    again = await world.use_cases.stop(
        a_stop(started.id, meter_stop_wh=9000.0, meter_values=(register(60, 9000),))
    )
    assert again.transaction == first.transaction
    assert again.transaction.energy_wh == 4000.0
    assert len(world.store.samples) == 1
    assert world.store.commits == commits


async def test_stop_below_the_start_reading_counts_no_energy_and_warns(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    started = (await world.use_cases.start(a_start(meter_start_wh=80_000.0))).transaction
    with caplog.at_level(logging.WARNING, logger="transaction_svc.use_cases"):
        outcome = await world.use_cases.stop(a_stop(started.id, meter_stop_wh=200.0))
    assert outcome.transaction.status is TransactionStatus.COMPLETED
    assert outcome.transaction.energy_wh == 0.0
    assert f"transaction {started.id} " in caplog.text


async def test_stop_with_an_id_tag_asks_for_a_stop_decision(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    outcome = await world.use_cases.stop(a_stop(started.id, id_tag="TAG-1"))
    assert outcome.authorization == ACCEPTED
    assert outcome.transaction.stop_id_tag == "TAG-1"
    assert world.authorizer.asked[-1] == ("TAG-1", "CP-1", AuthorizationPurpose.STOP_TRANSACTION)


async def test_stop_is_kept_even_when_auth_cannot_answer(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    world.authorizer.available = False
    with pytest.raises(AuthServiceUnavailable):
        await world.use_cases.stop(a_stop(started.id, id_tag="TAG-1"))
    assert world.store.transactions[started.id].status is TransactionStatus.COMPLETED
    world.authorizer.available = True
    retried = await world.use_cases.stop(a_stop(started.id, id_tag="TAG-1"))
    assert retried.authorization == ACCEPTED


async def test_a_stop_of_an_unknown_transaction_is_answered_and_kept_as_an_orphan(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """OCPP 1.6 §4.10: never refused; the data is kept for an operator (issue 12)."""
    stop = a_stop(99, id_tag="TAG-1", meter_values=(register(60, 5000),))
    with caplog.at_level(logging.WARNING):
        outcome = await world.use_cases.stop(stop)
    assert outcome.transaction is None
    assert outcome.authorization == ACCEPTED
    assert outcome.orphan is not None
    content = outcome.orphan.content
    assert (content.kind, content.cause) == (
        OrphanKind.STOP_TRANSACTION,
        OrphanCause.TRANSACTION_UNKNOWN,
    )
    assert (content.charge_point_id, content.transaction_id) == ("CP-1", 99)
    assert (content.meter_stop_wh, content.stopped_at, content.id_tag) == (5000.0, at(60), "TAG-1")
    assert content.meter_values == stop.meter_values
    assert outcome.orphan.received_at == at(90)
    assert "STOP_TRANSACTION charge_point_id=CP-1 names transaction 99" in caplog.text
    assert world.store.transactions == {} and world.store.samples == []
    # The station's retry (its answer lost) is answered alike and kept once.
    again = await world.use_cases.stop(stop)
    assert again == outcome
    assert len(world.store.orphans) == 1


async def test_a_stop_naming_another_stations_transaction_leaves_it_alone(
    world: World,
) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    outcome = await world.use_cases.stop(a_stop(started.id, charge_point_id="CP-2"))
    assert outcome.transaction is None
    assert outcome.orphan is not None
    assert outcome.orphan.content.charge_point_id == "CP-2"
    assert outcome.orphan.content.cause is OrphanCause.TRANSACTION_OF_ANOTHER_CHARGE_POINT
    assert world.store.transactions[started.id] == started
    # The owner's stop still applies.
    stopped = await world.use_cases.stop(a_stop(started.id))
    assert stopped.transaction is not None
    assert stopped.transaction.status is TransactionStatus.COMPLETED


async def test_meter_values_update_the_energy_of_an_active_transaction(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    await world.use_cases.record_meter_values(
        a_report(started.id, register(10, 1.5, unit="kWh"), register(5, 1200))
    )
    transaction = await world.use_cases.get(started.id)
    assert transaction.energy_wh == 500.0
    assert transaction.updated_at == at(90)
    assert [v.timestamp for v in transaction.meter_values] == [at(5), at(10)]


async def test_meter_values_without_an_energy_register_keep_the_energy(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    await world.use_cases.record_meter_values(a_report(started.id, register(10, 3000)))
    power = MeterValue(at(20), (SampledValue(7400.0, measurand="Power.Active.Import", unit="W"),))
    await world.use_cases.record_meter_values(a_report(started.id, power))
    assert (await world.use_cases.get(started.id)).energy_wh == 2000.0


async def test_meter_values_of_a_completed_transaction_are_kept_but_change_nothing(
    world: World,
) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    await world.use_cases.stop(a_stop(started.id))
    await world.use_cases.record_meter_values(a_report(started.id, register(70, 99_000)))
    transaction = await world.use_cases.get(started.id)
    assert transaction.energy_wh == 4000.0
    assert len(transaction.meter_values) == 1


async def test_repeated_meter_values_are_stored_once(world: World) -> None:
    """The station's retry of a report whose answer it lost, maybe under a new message id
    on another connection: the same report, which changes nothing the second time."""
    started = (await world.use_cases.start(a_start())).transaction
    report = a_report(
        started.id, register(10, 3000), register(10, 16, unit="A", measurand="Current.Import")
    )
    await world.use_cases.record_meter_values(report)
    await world.use_cases.record_meter_values(report)
    assert len(world.store.samples) == 2
    assert (await world.use_cases.get(started.id)).energy_wh == 2000.0
    # Another reading, even of the same moment, is another report.
    await world.use_cases.record_meter_values(a_report(started.id, register(10, 3001)))
    assert len(world.store.samples) == 3
    # Without a transaction too, per charge point.
    unlinked = a_report(None, register(1, 10))
    await world.use_cases.record_meter_values(unlinked)
    await world.use_cases.record_meter_values(unlinked)
    await world.use_cases.record_meter_values(replace(unlinked, charge_point_id="CP-2"))
    assert [s.charge_point_id for s in world.store.samples[3:]] == ["CP-1", "CP-2"]


async def test_meter_values_without_a_transaction_are_stored_unlinked(world: World) -> None:
    await world.use_cases.record_meter_values(a_report(None, register(1, 10)))
    assert [s.transaction_id for s in world.store.samples] == [None]


async def test_meter_values_of_an_unknown_or_foreign_transaction_are_orphans(
    world: World,
) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    foreign = a_report(started.id, register(1, 10), charge_point_id="CP-9")
    unknown = a_report(77, register(2, 20))
    for report in (foreign, unknown, foreign):
        await world.use_cases.record_meter_values(report)
    assert world.store.samples == []
    assert world.store.transactions[started.id] == started
    orphans = sorted(world.store.orphans.values(), key=lambda o: o.id)
    assert [(o.content.charge_point_id, o.content.transaction_id) for o in orphans] == [
        ("CP-9", started.id),
        ("CP-1", 77),
    ]
    assert [o.content.cause for o in orphans] == [
        OrphanCause.TRANSACTION_OF_ANOTHER_CHARGE_POINT,
        OrphanCause.TRANSACTION_UNKNOWN,
    ]
    assert orphans[1].content.kind is OrphanKind.METER_VALUES
    assert orphans[1].content.meter_values == unknown.meter_values


async def test_get_unknown_transaction(world: World) -> None:
    with pytest.raises(TransactionNotFound, match="transaction 5 is not known"):
        await world.use_cases.get(5)
    with pytest.raises(InvalidTransactionRequest, match="id must be a positive"):
        await world.use_cases.get(0)


async def test_list_pages_newest_first_with_filters(world: World) -> None:
    for connector in range(1, 6):
        await world.use_cases.start(a_start(evse_id=connector, connector_id=connector))
    await world.use_cases.start(a_start(charge_point_id="CP-2"))
    await world.use_cases.stop(a_stop(2))

    first = await world.use_cases.list(TransactionQuery(limit=2, charge_point_id="CP-1"))
    assert [t.id for t in first.transactions] == [5, 4]
    second = await world.use_cases.list(
        TransactionQuery(limit=2, before_id=first.next_before_id, charge_point_id="CP-1")
    )
    assert [t.id for t in second.transactions] == [3, 2]
    last = await world.use_cases.list(
        TransactionQuery(limit=2, before_id=second.next_before_id, charge_point_id="CP-1")
    )
    assert ([t.id for t in last.transactions], last.next_before_id) == ([1], None)

    completed = await world.use_cases.list(
        TransactionQuery(limit=10, status=TransactionStatus.COMPLETED)
    )
    assert [t.id for t in completed.transactions] == [2]
    exact = await world.use_cases.list(TransactionQuery(limit=6))
    assert (len(exact.transactions), exact.next_before_id) == (6, None)


async def test_count_active_transactions_of_an_id_tag(world: World) -> None:
    for connector in (1, 2, 3):
        await world.use_cases.start(a_start(evse_id=connector, connector_id=connector))
    await world.use_cases.start(a_start(id_tag="OTHER", evse_id=4, connector_id=4))
    await world.use_cases.stop(a_stop(2))
    assert await world.use_cases.count_active("TAG-1") == 2
    assert await world.use_cases.count_active("NOBODY") == 0
    with pytest.raises(InvalidTransactionRequest, match="id_tag must not be empty"):
        await world.use_cases.count_active("")


class BrokenMeterSamples:
    async def add(self, samples: Sequence[MeterSample]) -> None:
        raise OSError("disk full")

    async def of_transaction(self, transaction_id: int) -> list[MeterSample]:
        return []


class BrokenUnitOfWork(MemoryUnitOfWork):
    """Stores transactions, but fails to store meter samples."""

    @property
    def meter_samples(self) -> BrokenMeterSamples:  # type: ignore[override]
        return BrokenMeterSamples()


async def test_a_stop_whose_transaction_data_fails_is_not_applied(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    broken = TransactionUseCases(
        lambda: BrokenUnitOfWork(world.store), FixedClock(at(90)), world.authorizer
    )
    with pytest.raises(OSError, match="disk full"):
        await broken.stop(a_stop(started.id, meter_values=(register(60, 5000),)))
    assert world.store.transactions[started.id].is_active


class RacingTransactions(MemoryTransactionRepository):
    """Lets another stop complete the transaction between this stop's read and its write."""

    def __init__(self, store: MemoryStore, rival: Transaction) -> None:
        super().__init__(store)
        self._rival = rival

    async def save(self, transaction: Transaction) -> bool:
        await super().save(self._rival)
        return await super().save(transaction)


async def test_a_stop_that_loses_a_race_answers_the_winner(world: World) -> None:
    started = (await world.use_cases.start(a_start())).transaction
    rival = started.stopped(a_stop(started.id, meter_stop_wh=3000.0), at(61))

    class RacingUnitOfWork(MemoryUnitOfWork):
        @property
        def transactions(self) -> RacingTransactions:
            return RacingTransactions(self.working, rival)

    racing = TransactionUseCases(
        lambda: RacingUnitOfWork(world.store), FixedClock(at(90)), world.authorizer
    )
    outcome = await racing.stop(a_stop(started.id, meter_values=(register(60, 5000),)))
    assert outcome.transaction == rival
    assert world.store.samples == []


async def test_an_orphan_report_is_reconciled_once(world: World) -> None:
    orphans = OrphanReportUseCases(lambda: MemoryUnitOfWork(world.store), FixedClock(at(95)))
    started = (await world.use_cases.start(a_start())).transaction
    outcome = await world.use_cases.stop(a_stop(99, meter_values=(register(60, 5000),)))
    assert outcome.orphan is not None
    reconciled = await orphans.reconcile(outcome.orphan.id, "meant transaction 1", started.id)
    assert reconciled.reconciliation == Reconciliation(at(95), "meant transaction 1", started.id)
    assert reconciled.content == outcome.orphan.content
    with pytest.raises(OrphanReportReconciled):
        await orphans.reconcile(outcome.orphan.id, "again", None)
    assert (await orphans.get(outcome.orphan.id)) == reconciled
    page = await orphans.list(OrphanQuery(limit=10, unreconciled=True))
    assert page.orphan_reports == ()
    # The transaction it was matched to is not changed by it.
    assert world.store.transactions[started.id] == started
