"""transaction_svc.use_cases.closures over the in-memory adapters."""

from __future__ import annotations

import pytest

from servicekit.clock import FixedClock
from tests.support.transaction_factories import a_start, a_stop, at
from tests.transaction_svc.support.authorizer import ACCEPTED, ScriptedAuthorizer
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.domain.closure import ClosureCause
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


def closures(store: MemoryStore) -> TransactionClosures:
    return TransactionClosures(lambda: MemoryUnitOfWork(store), FixedClock(at(30)))


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
