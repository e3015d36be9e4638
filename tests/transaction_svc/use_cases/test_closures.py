"""transaction_svc.use_cases.closures over the in-memory adapters."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from servicekit.clock import FixedClock
from tests.support.transaction_factories import a_start, a_stop, at
from tests.transaction_svc.support.authorizer import ACCEPTED, ScriptedAuthorizer
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.domain.closure import ClosureCause
from transaction_svc.domain.reservation import Reservation
from transaction_svc.domain.transaction import StopReason, TransactionStatus
from transaction_svc.errors import TransactionAlreadyCompleted, TransactionNotFound
from transaction_svc.use_cases import TransactionUseCases
from transaction_svc.use_cases.closures import TransactionClosures

pytestmark = pytest.mark.unit


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def transactions(store: MemoryStore) -> TransactionUseCases:
    authorizer = ScriptedAuthorizer({"TAG-1": ACCEPTED})
    return TransactionUseCases(lambda: MemoryUnitOfWork(store), FixedClock(at(10)), authorizer)


@dataclass
class StatusStations:
    """Answers GetTransactionStatus as scripted and remembers what it was asked."""

    ongoing: bool | None = True
    queued: bool = False
    asked: list[tuple[str, int]] = field(default_factory=list)

    async def reserve_now(self, reservation: Reservation) -> str:
        raise AssertionError("not sent by closures")

    async def cancel_reservation(self, charge_point_id: str, reservation_id: int) -> bool:
        raise AssertionError("not sent by closures")

    async def transaction_status(
        self, charge_point_id: str, transaction_id: int
    ) -> tuple[bool | None, bool]:
        self.asked.append((charge_point_id, transaction_id))
        return self.ongoing, self.queued


def closures(store: MemoryStore, stations: StatusStations | None = None) -> TransactionClosures:
    return TransactionClosures(
        lambda: MemoryUnitOfWork(store), FixedClock(at(30)), stations or StatusStations()
    )


async def test_an_end_frees_the_id_tag_and_is_idempotent(store: MemoryStore) -> None:
    started = (await transactions(store).start(a_start())).transaction
    assert await transactions(store).count_active("TAG-1") == 1

    ended = await closures(store).end(started.id, "never stopped", "bob")

    assert (ended.status, ended.stop_reason) == (
        TransactionStatus.COMPLETED,
        StopReason.ENDED_BY_CSMS,
    )
    assert ended.stopped_at == at(30)
    assert await transactions(store).count_active("TAG-1") == 0
    assert await closures(store).end(started.id, "never stopped", "bob") == ended
    with pytest.raises(TransactionAlreadyCompleted):
        await closures(store).end(started.id, "never stopped", "carol")


async def test_a_stopped_or_unknown_transaction_is_not_ended(store: MemoryStore) -> None:
    started = (await transactions(store).start(a_start())).transaction
    await transactions(store).stop(a_stop(started.id))
    with pytest.raises(TransactionAlreadyCompleted, match="reason LOCAL"):
        await closures(store).end(started.id, "stale", "")
    with pytest.raises(TransactionNotFound):
        await closures(store).end(42, "stale", "")


async def test_a_start_closes_what_its_evse_left_open_and_only_that(store: MemoryStore) -> None:
    use_cases = transactions(store)
    first = (await use_cases.start(a_start())).transaction
    elsewhere = (await use_cases.start(a_start(evse_id=2, connector_id=2))).transaction
    whole = (await use_cases.start(a_start(evse_id=0, connector_id=0, id_tag="TAG-1"))).transaction
    second = (await use_cases.start(a_start(started_at=at(5)))).transaction

    stored = store.transactions
    closure = stored[first.id].closure
    assert closure is not None and closure.cause is ClosureCause.SUPERSEDED
    assert stored[first.id].stopped_at == at(10)
    assert stored[elsewhere.id].is_active
    assert stored[whole.id].is_active
    assert stored[second.id].is_active


@pytest.mark.parametrize(
    ("ongoing", "queued"), [(True, False), (None, False), (False, True), (True, True)]
)
async def test_a_check_ends_nothing_unless_the_station_says_it_is_over(
    store: MemoryStore, ongoing: bool | None, queued: bool
) -> None:
    started = (await transactions(store).start(a_start())).transaction
    stations = StatusStations(ongoing, queued)
    outcome = await closures(store, stations).check(started.id)
    assert (outcome.ongoing, outcome.messages_in_queue, outcome.ended) == (ongoing, queued, None)
    assert stations.asked == [("CP-1", started.id)]
    assert store.transactions[started.id].is_active


async def test_a_check_ends_what_the_station_no_longer_runs(store: MemoryStore) -> None:
    started = (await transactions(store).start(a_start())).transaction
    outcome = await closures(store, StatusStations(ongoing=False)).check(started.id)
    assert outcome.ended is not None
    assert outcome.ended.closure is not None
    assert outcome.ended.closure.cause is ClosureCause.NOT_ONGOING
    assert not store.transactions[started.id].is_active
    # Completed now: nothing to ask any more.
    stations = StatusStations(ongoing=False)
    with pytest.raises(TransactionAlreadyCompleted):
        await closures(store, stations).check(started.id)
    assert stations.asked == []


async def test_a_start_heard_of_late_closes_nothing_that_began_after_it(
    store: MemoryStore,
) -> None:
    use_cases = transactions(store)
    newer = (await use_cases.start(a_start(started_at=at(5)))).transaction
    late = (await use_cases.start(a_start(started_at=at(1), meter_start_wh=10.0))).transaction
    assert store.transactions[newer.id].is_active
    assert store.transactions[late.id].is_active
