"""Reservations over the in-memory adapters and scripted stations: what is stored before and
after the station answers, cancellation, reported expiry, and starts that meet reservations."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from servicekit.clock import FixedClock
from servicekit.edge_errors import StationDidNotAnswer, StationNotConnected, StationRefused
from servicekit.errors import ServiceError
from tests.support.transaction_factories import a_reservation_request, a_start, a_stop, at
from tests.transaction_svc.support.authorizer import ACCEPTED, ScriptedAuthorizer
from transaction_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.reservation import Reservation, ReservationQuery, ReservationStatus
from transaction_svc.errors import (
    CancellationRefused,
    InvalidReservationRequest,
    ReservationNotCancellable,
    ReservationNotFound,
)
from transaction_svc.use_cases import (
    ReservationUseCases,
    TransactionCounts,
    TransactionUseCases,
)

pytestmark = pytest.mark.unit


S = ReservationStatus


@dataclass
class ScriptedStations:
    """Answers from queues (default: accepted) and remembers what was sent."""

    reserve_answers: list[str | ServiceError] = field(default_factory=list)
    cancel_answers: list[bool | ServiceError] = field(default_factory=list)
    reserved: list[Reservation] = field(default_factory=list)
    cancelled: list[tuple[str, int]] = field(default_factory=list)

    async def reserve_now(self, reservation: Reservation) -> str:
        self.reserved.append(reservation)
        answer = self.reserve_answers.pop(0) if self.reserve_answers else "ACCEPTED"
        if isinstance(answer, ServiceError):
            raise answer
        return answer

    async def cancel_reservation(self, charge_point_id: str, reservation_id: int) -> bool:
        self.cancelled.append((charge_point_id, reservation_id))
        answer = self.cancel_answers.pop(0) if self.cancel_answers else True
        if isinstance(answer, ServiceError):
            raise answer
        return answer


@dataclass
class World:
    store: MemoryStore
    clock: FixedClock
    stations: ScriptedStations
    authorizer: ScriptedAuthorizer
    reservations: ReservationUseCases
    transactions: TransactionUseCases


@pytest.fixture
def world() -> World:
    store = MemoryStore()
    clock = FixedClock(at(0))
    stations = ScriptedStations()
    authorizer = ScriptedAuthorizer(
        {
            "TAG-1": ACCEPTED,
            "FRIEND": ACCEPTED,
            "OTHER": Authorization(AuthorizationStatus.ACCEPTED),
        }
    )
    return World(
        store,
        clock,
        stations,
        authorizer,
        ReservationUseCases(lambda: MemoryUnitOfWork(store), clock, stations),
        TransactionUseCases(lambda: MemoryUnitOfWork(store), clock, authorizer),
    )


async def test_an_accepted_reservation_is_active(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    assert (reservation.id, reservation.status, reservation.station_status) == (
        1,
        S.ACTIVE,
        "ACCEPTED",
    )
    # The station was sent the stored reservation, id included, while it was PENDING.
    (sent,) = world.stations.reserved
    assert (sent.id, sent.status, sent.id_tag, sent.parent_id_tag) == (
        1,
        S.PENDING,
        "TAG-1",
        "GROUP-1",
    )
    assert world.store.reservations[1] == reservation
    assert world.store.commits == 2


async def test_a_refused_reservation_is_rejected_with_the_station_answer(world: World) -> None:
    world.stations.reserve_answers.append("OCCUPIED")
    reservation = await world.reservations.reserve(a_reservation_request())
    assert (reservation.status, reservation.station_status) == (S.REJECTED, "OCCUPIED")
    assert world.store.reservations[1].status is S.REJECTED


@pytest.mark.parametrize(
    "error",
    [
        StationNotConnected("CP-1", "not connected"),
        StationDidNotAnswer("CP-1", "deadline"),
        StationRefused("CP-1", "NotSupported", "no reservations here"),
    ],
)
async def test_an_edge_error_fails_the_reservation_and_is_raised(
    world: World, error: ServiceError
) -> None:
    world.stations.reserve_answers.append(error)
    with pytest.raises(type(error)) as caught:
        await world.reservations.reserve(a_reservation_request())
    assert caught.value is error
    stored = world.store.reservations[1]
    assert (stored.status, stored.station_status) == (S.FAILED, None)


async def test_a_wrong_request_stores_and_sends_nothing(world: World) -> None:
    with pytest.raises(InvalidReservationRequest, match="has already passed"):
        await world.reservations.reserve(a_reservation_request(expires_at=at(0)))
    assert (world.store.reservations, world.stations.reserved) == ({}, [])


async def test_cancel_an_active_reservation(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    world.clock.at = at(5)
    cancelled = await world.reservations.cancel(reservation.id)
    assert (cancelled.status, cancelled.updated_at) == (S.CANCELLED, at(5))
    assert world.stations.cancelled == [("CP-1", reservation.id)]
    assert (await world.reservations.get(reservation.id)).status is S.CANCELLED


async def test_cancel_refused_by_the_station_changes_nothing(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    world.stations.cancel_answers.append(False)
    with pytest.raises(
        CancellationRefused, match=f"the station refused to cancel reservation {reservation.id}"
    ):
        await world.reservations.cancel(reservation.id)
    assert world.store.reservations[reservation.id].status is S.ACTIVE


async def test_cancel_passes_edge_errors_on(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    world.stations.cancel_answers.append(StationNotConnected("CP-1", "gone"))
    with pytest.raises(StationNotConnected):
        await world.reservations.cancel(reservation.id)
    assert world.store.reservations[reservation.id].status is S.ACTIVE


async def test_only_active_reservations_can_be_cancelled(world: World) -> None:
    world.stations.reserve_answers.append("OCCUPIED")
    rejected = await world.reservations.reserve(a_reservation_request())
    with pytest.raises(ReservationNotCancellable, match="is REJECTED; only an ACTIVE"):
        await world.reservations.cancel(rejected.id)
    expiring = await world.reservations.reserve(a_reservation_request(expires_at=at(10)))
    world.clock.at = at(10)
    with pytest.raises(ReservationNotCancellable, match="is EXPIRED"):
        await world.reservations.cancel(expiring.id)
    with pytest.raises(ReservationNotFound, match="reservation 99 is not known"):
        await world.reservations.cancel(99)
    assert world.stations.cancelled == []


async def test_get_reports_expiry_without_writing_it(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request(expires_at=at(10)))
    world.clock.at = at(10)
    assert (await world.reservations.get(reservation.id)).status is S.EXPIRED
    assert world.store.reservations[reservation.id].status is S.ACTIVE
    with pytest.raises(ReservationNotFound):
        await world.reservations.get(42)
    with pytest.raises(InvalidReservationRequest, match="id must be a positive reservation id"):
        await world.reservations.get(0)


async def test_list_pages_newest_first_and_filters_by_reported_status(world: World) -> None:
    ids = []
    for cp, expires in [("CP-1", 10), ("CP-2", 100), ("CP-1", 100)]:
        request = a_reservation_request(charge_point_id=cp, expires_at=at(expires))
        ids.append((await world.reservations.reserve(request)).id)
    world.clock.at = at(50)
    first = await world.reservations.list(ReservationQuery(limit=2))
    assert [r.id for r in first.reservations] == [ids[2], ids[1]]
    assert first.next_before_id == ids[1]
    rest = await world.reservations.list(ReservationQuery(limit=2, before_id=ids[1]))
    assert ([r.id for r in rest.reservations], rest.next_before_id) == ([ids[0]], None)
    assert rest.reservations[0].status is S.EXPIRED

    expired = await world.reservations.list(ReservationQuery(limit=10, status=S.EXPIRED))
    assert [r.id for r in expired.reservations] == [ids[0]]
    active_cp1 = await world.reservations.list(
        ReservationQuery(limit=10, status=S.ACTIVE, charge_point_id="CP-1")
    )
    assert [r.id for r in active_cp1.reservations] == [ids[2]]


async def test_a_start_uses_the_reservation_it_names(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request(evse_id=0))
    outcome = await world.transactions.start(
        a_start(reservation_id=reservation.id, evse_id=2, connector_id=2, started_at=at(1))
    )
    assert outcome.transaction.reservation_id == reservation.id
    assert outcome.authorization == ACCEPTED
    used = await world.reservations.get(reservation.id)
    assert (used.status, used.transaction_id) == (S.USED, outcome.transaction.id)


async def test_a_start_by_a_tag_of_the_same_parent_uses_the_reservation(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request(id_tag="OWNER"))
    outcome = await world.transactions.start(a_start(id_tag="FRIEND", started_at=at(1)))
    assert outcome.authorization.status is AuthorizationStatus.ACCEPTED
    assert outcome.transaction.reservation_id == reservation.id
    assert world.store.reservations[reservation.id].status is S.USED


async def test_a_start_on_an_evse_reserved_for_someone_else_is_invalid(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    outcome = await world.transactions.start(a_start(id_tag="OTHER", started_at=at(1)))
    # Recorded (the station already started), answered Invalid so that it stops.
    assert outcome.authorization.status is AuthorizationStatus.INVALID
    stored = world.store.transactions[outcome.transaction.id]
    assert (stored.authorization_status, stored.reservation_id) == (
        AuthorizationStatus.INVALID,
        None,
    )
    assert world.store.reservations[reservation.id].status is S.ACTIVE
    # Other EVSEs are free, and so is this one once the reservation expired.
    other = await world.transactions.start(
        a_start(id_tag="OTHER", evse_id=2, connector_id=2, started_at=at(1))
    )
    assert other.authorization.status is AuthorizationStatus.ACCEPTED
    late = await world.transactions.start(
        a_start(id_tag="OTHER", connector_id=3, evse_id=1, started_at=at(60))
    )
    assert late.authorization.status is AuthorizationStatus.ACCEPTED


async def test_a_retried_start_does_not_use_a_reservation_twice(world: World) -> None:
    reservation = await world.reservations.reserve(a_reservation_request())
    first = await world.transactions.start(a_start(started_at=at(1)))
    again = await world.transactions.start(a_start(started_at=at(1)))
    assert again.transaction == first.transaction
    assert world.store.reservations[reservation.id].transaction_id == first.transaction.id


async def test_count_transactions(world: World) -> None:
    assert await world.transactions.count() == TransactionCounts(active=0, completed=0)
    started = [
        await world.transactions.start(a_start(evse_id=c, connector_id=c)) for c in (1, 2, 3)
    ]
    await world.transactions.stop(a_stop(started[0].transaction.id))
    counts = await world.transactions.count()
    assert (counts.active, counts.completed) == (2, 1)
