"""RecordTransactionEvent's use case over the in-memory adapters and a scripted authorizer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from servicekit.clock import FixedClock
from tests.support.transaction_factories import a_reservation, a_start, an_event, at, register
from tests.transaction_svc.support.authorizer import ScriptedAuthorizer
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.domain.orphan import OrphanCause, OrphanKind
from transaction_svc.domain.reservation import ReservationStatus
from transaction_svc.domain.transaction import StopReason, TransactionQuery, TransactionStatus
from transaction_svc.errors import AuthServiceUnavailable
from transaction_svc.use_cases import TransactionEventUseCases, TransactionUseCases

pytestmark = pytest.mark.unit


ACCEPTED = Authorization(AuthorizationStatus.ACCEPTED, at(1000), "GROUP-1")
START = AuthorizationPurpose.START_TRANSACTION
AUTHORIZE = AuthorizationPurpose.AUTHORIZE


@dataclass
class World:
    store: MemoryStore
    authorizer: ScriptedAuthorizer
    events: TransactionEventUseCases
    transactions: TransactionUseCases


@pytest.fixture
def world() -> World:
    store = MemoryStore()
    authorizer = ScriptedAuthorizer({"TAG-1": ACCEPTED})
    clock = FixedClock(at(90))
    return World(
        store,
        authorizer,
        TransactionEventUseCases(lambda: MemoryUnitOfWork(store), clock, authorizer),
        TransactionUseCases(lambda: MemoryUnitOfWork(store), clock, authorizer),
    )


async def test_a_whole_session(world: World) -> None:
    started = await world.events.record(
        an_event(
            id_tag="TAG-1",
            charging_state="EVConnected",
            meter_values=(register(0, 1000, context="Transaction.Begin"),),
        )
    )
    assert started.authorization == ACCEPTED
    transaction = started.transaction
    assert (transaction.id, transaction.station_transaction_id) == (1, "ST-1")
    assert (transaction.meter_start_wh, transaction.id_tag) == (1000.0, "TAG-1")
    assert transaction.authorization_status is AuthorizationStatus.ACCEPTED
    assert world.authorizer.asked == [("TAG-1", "CP-1", START)]

    updated = await world.events.record(
        an_event("UPDATED", 1, charging_state="Charging", meter_values=(register(30, 3000),))
    )
    assert updated.authorization is None
    assert (updated.transaction.energy_wh, updated.transaction.charging_state) == (
        2000.0,
        "Charging",
    )

    ended = await world.events.record(
        an_event(
            "ENDED",
            2,
            stopped_reason=StopReason.EV_DISCONNECTED,
            meter_values=(register(60, 5000, context="Transaction.End"),),
        )
    )
    assert ended.transaction.status is TransactionStatus.COMPLETED
    assert (ended.transaction.meter_stop_wh, ended.transaction.energy_wh) == (5000.0, 4000.0)
    assert ended.transaction.stop_reason is StopReason.EV_DISCONNECTED
    assert len(world.authorizer.asked) == 1
    assert [e.seq_no for e in world.store.events.values()] == [0, 1, 2]
    assert len((await world.transactions.get(1)).meter_values) == 3


async def test_a_repeated_seq_no_changes_nothing(world: World) -> None:
    first = await world.events.record(an_event(id_tag="TAG-1", meter_values=(register(0, 1000),)))
    world.authorizer.decisions["TAG-1"] = Authorization(AuthorizationStatus.BLOCKED)
    again = await world.events.record(an_event(id_tag="TAG-1", meter_values=(register(0, 1000),)))
    assert again.transaction == first.transaction
    # The first answer, whole (expiry and group included), whatever auth_svc says now.
    assert again.authorization == first.authorization
    assert first.authorization is not None
    assert first.authorization.status is AuthorizationStatus.ACCEPTED
    assert len(world.store.samples) == 1
    assert len(world.authorizer.asked) == 1

    update = an_event("UPDATED", 1, meter_values=(register(30, 3000),))
    once = await world.events.record(update)
    twice = await world.events.record(update)
    assert twice.transaction == once.transaction
    assert twice.transaction.energy_wh == 2000.0
    assert len(world.store.samples) == 2


async def test_an_update_of_an_unknown_transaction_creates_it(world: World) -> None:
    outcome = await world.events.record(
        an_event("UPDATED", 4, offline=True, meter_values=(register(4, 1500),))
    )
    transaction = outcome.transaction
    assert transaction.is_active
    assert (transaction.started_at, transaction.meter_start_wh) == (at(4), 1500.0)
    assert (transaction.id_tag, transaction.authorization_status) == ("", None)
    assert outcome.authorization is None
    (recorded,) = world.store.events.values()
    assert (recorded.transaction_id, recorded.seq_no, recorded.offline) == (transaction.id, 4, True)


async def test_an_ended_event_of_an_unknown_transaction_creates_and_ends_it(world: World) -> None:
    outcome = await world.events.record(
        an_event("ENDED", 3, id_tag="TAG-1", meter_values=(register(3, 800),))
    )
    assert outcome.transaction.status is TransactionStatus.COMPLETED
    assert outcome.transaction.stop_reason is StopReason.LOCAL
    assert outcome.transaction.energy_wh == 0.0
    assert outcome.authorization == ACCEPTED
    assert world.authorizer.asked == [("TAG-1", "CP-1", START)]


async def test_an_event_after_ended_is_recorded_without_reopening(world: World) -> None:
    await world.events.record(an_event(meter_values=(register(0, 1000),)))
    ended = await world.events.record(an_event("ENDED", 1, meter_values=(register(60, 3000),)))
    completed = await world.transactions.get(ended.transaction.id)
    late = await world.events.record(an_event("UPDATED", 2, meter_values=(register(70, 9000),)))
    assert late.transaction == ended.transaction
    assert late.transaction.energy_wh == 2000.0
    again = await world.events.record(an_event("ENDED", 3, meter_values=(register(80, 9500),)))
    assert again.transaction.status is TransactionStatus.COMPLETED
    assert again.transaction.stopped_at == at(1)
    assert sorted(identity.seq_no for _, identity in world.store.events) == [0, 1, 2, 3]
    # Its meter data too is as the Ended event left it; the late values are kept apart.
    assert await world.transactions.get(ended.transaction.id) == completed
    assert [v.timestamp for v in completed.meter_values] == [at(0), at(60)]
    late_values = [o.content for o in world.store.orphans.values()]
    assert [(c.kind, c.cause, c.transaction_id) for c in late_values] == [
        (OrphanKind.TRANSACTION_EVENT, OrphanCause.TRANSACTION_COMPLETED, ended.transaction.id)
    ] * 2
    assert [c.meter_values for c in late_values] == [
        (register(70, 9000),),
        (register(80, 9500),),
    ]


async def test_a_station_that_numbers_every_event_0_ends_its_transaction(world: World) -> None:
    """seqNo alone does not make a repeat (EventIdentity): Started, Updated and Ended all
    numbered 0 are three events, and the Ended one ends the transaction."""
    started = await world.events.record(an_event(id_tag="TAG-1", meter_values=(register(0, 1000),)))
    updated = await world.events.record(
        an_event("UPDATED", 0, timestamp=at(30), meter_values=(register(30, 2000),))
    )
    assert updated.transaction.energy_wh == 1000.0
    ended = await world.events.record(
        an_event("ENDED", 0, timestamp=at(60), id_tag="TAG-1", meter_values=(register(60, 4000),))
    )
    assert ended.transaction.id == started.transaction.id
    assert ended.transaction.status is TransactionStatus.COMPLETED
    assert (ended.transaction.meter_stop_wh, ended.transaction.energy_wh) == (4000.0, 3000.0)
    assert len(world.store.events) == 3
    # Its identifier is free again: the next transaction's start is Accepted.
    assert await world.transactions.count_active("TAG-1") == 0
    # A repeat of the Ended event (same seqNo, type, time, trigger) is still a repeat.
    again = await world.events.record(
        an_event("ENDED", 0, timestamp=at(60), id_tag="TAG-1", meter_values=(register(60, 4000),))
    )
    assert again == ended
    assert len(world.store.events) == 3
    assert len((await world.transactions.get(started.transaction.id)).meter_values) == 3


async def test_the_same_seq_no_and_type_at_another_moment_is_another_event(
    world: World,
) -> None:
    await world.events.record(an_event(meter_values=(register(0, 1000),)))
    first = await world.events.record(
        an_event("UPDATED", 1, timestamp=at(30), meter_values=(register(30, 2000),))
    )
    second = await world.events.record(
        an_event("UPDATED", 1, timestamp=at(40), meter_values=(register(40, 2500),))
    )
    assert (first.transaction.energy_wh, second.transaction.energy_wh) == (1000.0, 1500.0)
    other_trigger = await world.events.record(
        an_event(
            "UPDATED",
            1,
            timestamp=at(40),
            trigger_reason="ChargingStateChanged",
            meter_values=(register(40, 2600),),
        )
    )
    assert other_trigger.transaction.energy_wh == 1600.0
    assert len(world.store.events) == 4


async def test_out_of_order_updates_keep_the_latest_reading(world: World) -> None:
    await world.events.record(an_event(meter_values=(register(0, 1000),)))
    await world.events.record(an_event("UPDATED", 3, meter_values=(register(30, 4000),)))
    late = await world.events.record(an_event("UPDATED", 2, meter_values=(register(20, 3000),)))
    assert late.transaction.energy_wh == 3000.0
    ended = await world.events.record(an_event("ENDED", 4))
    assert ended.transaction.meter_stop_wh == 4000.0


async def test_an_id_token_in_an_update(world: World) -> None:
    await world.events.record(an_event())
    outcome = await world.events.record(
        an_event("UPDATED", 1, id_tag="TAG-1", trigger_reason="Authorized")
    )
    assert outcome.authorization == ACCEPTED
    assert outcome.transaction.id_tag == "TAG-1"
    assert outcome.transaction.authorization_status is AuthorizationStatus.ACCEPTED
    assert world.authorizer.asked == [("TAG-1", "CP-1", AUTHORIZE)]


async def test_a_transaction_does_not_count_against_its_own_id_token(world: World) -> None:
    await world.events.record(an_event(id_tag="TAG-1"))
    # auth_svc counts the transaction itself as the identifier's open one.
    world.authorizer.decisions["TAG-1"] = Authorization(
        AuthorizationStatus.CONCURRENT_TX, at(1000), "GROUP-1"
    )
    again = await world.events.record(an_event("UPDATED", 1, id_tag="TAG-1"))
    assert again.authorization == ACCEPTED
    # A second transaction of the same identifier is concurrent use.
    other = await world.events.record(an_event(station_transaction_id="ST-2", id_tag="TAG-1"))
    assert other.authorization is not None
    assert other.authorization.status is AuthorizationStatus.CONCURRENT_TX


async def test_nothing_is_stored_when_auth_is_unavailable(world: World) -> None:
    world.authorizer.available = False
    with pytest.raises(AuthServiceUnavailable):
        await world.events.record(an_event(id_tag="TAG-1"))
    assert world.store.transactions == {}
    assert world.store.events == {}


async def test_a_started_event_uses_its_reservation(world: World) -> None:
    world.store.reservations[5] = a_reservation(id=5)
    outcome = await world.events.record(an_event(id_tag="TAG-1", reservation_id=5))
    assert outcome.transaction.reservation_id == 5
    assert world.store.reservations[5].status is ReservationStatus.USED
    assert world.store.reservations[5].transaction_id == outcome.transaction.id


async def test_a_started_event_on_an_evse_reserved_for_someone_else(world: World) -> None:
    world.store.reservations[5] = a_reservation(id=5, id_tag="OWNER", parent_id_tag=None)
    outcome = await world.events.record(an_event(id_tag="TAG-1"))
    assert outcome.authorization is not None
    assert outcome.authorization.status is AuthorizationStatus.INVALID
    assert world.store.reservations[5].status is ReservationStatus.ACTIVE


async def test_events_and_1_6_transactions_live_side_by_side(world: World) -> None:
    classic = (await world.transactions.start(a_start(connector_id=2))).transaction
    event = (await world.events.record(an_event(station_transaction_id="ST-9"))).transaction
    assert classic.station_transaction_id is None
    assert (classic.id, event.id) == (1, 2)
    page = await world.transactions.list(TransactionQuery(10))
    assert [t.station_transaction_id for t in page.transactions] == ["ST-9", None]
