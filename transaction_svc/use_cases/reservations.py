"""The operations on reservations (OCPP 1.6 Reservation profile §5.13/§5.3, 2.0.1 H01-H02):
stored here, sent to the station through the edge, and the answer recorded.

No database transaction is held across a call to a station: the reservation is committed
PENDING first (which allocates its id, the OCPP reservationId the station needs), and the
station's answer is written in a second unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from servicekit.clock import Clock
from servicekit.errors import ServiceError
from transaction_svc.domain.reservation import (
    Reservation,
    ReservationPage,
    ReservationQuery,
    ReservationRequest,
    ReservationStatus,
    StationUpdate,
)
from transaction_svc.errors import (
    CancellationRefused,
    InvalidReservationRequest,
    ReservationNotCancellable,
    ReservationNotFound,
)
from transaction_svc.ports import IdTokenTypes, Stations, UnitOfWork

LOG = logging.getLogger(__name__)


class ReservationUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        stations: Stations,
        token_types: IdTokenTypes | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations
        self._token_types = token_types

    async def reserve(self, request: ReservationRequest) -> Reservation:
        """Store the reservation, send ReserveNow, record the station's answer.

        ACCEPTED makes it ACTIVE; any other answer (OCCUPIED, FAULTED, ...) REJECTED, the
        answer kept as ``station_status``. When the station could not be reached or did not
        answer, the reservation is FAILED and the edge's error is raised as it came.
        """
        named_type = request.id_token_type
        request = request.checked(self._clock.now())
        if not named_type and self._token_types is not None:
            # The operator named no type: the one auth_svc stores the id tag with, so that
            # a 2.x station matches the card it is shown (ISO14443 for one it does not know).
            stored_type = await self._token_types.type_of(request.id_tag)
            request = replace(request, id_token_type=stored_type or request.id_token_type)
        async with self._unit_of_work() as uow:
            pending = await uow.reservations.add(request, self._clock.now())
            await uow.commit()
        try:
            station_status = await self._stations.reserve_now(pending)
        except ServiceError as error:
            LOG.warning(
                "reservation %d charge_point_id=%s could not be sent: %s",
                pending.id,
                pending.charge_point_id,
                error,
            )
            await self._record(pending.failed(self._clock.now()))
            raise
        answered = await self._record(pending.answered(station_status, self._clock.now()))
        LOG.info(
            "reservation %d charge_point_id=%s evse_id=%d id_tag=%s: station answered %s",
            answered.id,
            answered.charge_point_id,
            answered.evse_id,
            answered.id_tag,
            station_status,
        )
        return answered.as_of(self._clock.now())

    async def _record(self, outcome: Reservation) -> Reservation:
        """Store what became of a PENDING reservation (nothing else changes a PENDING one)."""
        async with self._unit_of_work() as uow:
            await uow.reservations.save(outcome, expected=ReservationStatus.PENDING)
            await uow.commit()
        return outcome

    async def cancel(self, reservation_id: int) -> Reservation:
        """Send CancelReservation for an ACTIVE reservation; CANCELLED once the station
        accepts. A station that refuses (it holds no such reservation, 1.6 §6.7) leaves it as
        it is, and so does an edge error, raised as it came."""
        reservation = await self._stored(reservation_id)
        if reservation.status is not ReservationStatus.ACTIVE:
            raise ReservationNotCancellable(reservation_id, reservation.status.name)
        accepted = await self._stations.cancel_reservation(
            reservation.charge_point_id, reservation.id
        )
        if not accepted:
            raise CancellationRefused(reservation.id, reservation.charge_point_id)
        cancelled = reservation.cancelled(self._clock.now())
        async with self._unit_of_work() as uow:
            saved = await uow.reservations.save(cancelled, expected=ReservationStatus.ACTIVE)
            current = cancelled if saved else await uow.reservations.get(reservation_id)
            await uow.commit()
        if current is None or current.status is not ReservationStatus.CANCELLED:
            # A transaction used it between the read and the station's answer.
            status = "gone" if current is None else current.status.name
            raise ReservationNotCancellable(reservation_id, status)
        LOG.info("reservation %d charge_point_id=%s cancelled", current.id, current.charge_point_id)
        return current

    async def record_station_update(
        self, charge_point_id: str, reservation_id: int, update: StationUpdate
    ) -> bool:
        """A station ended a reservation itself (2.x ReservationStatusUpdate, H04): an ACTIVE
        one of that charge point becomes EXPIRED or REMOVED. Whether it changed one: a
        reservation unknown here, another charge point's, or one already ended (used by a
        transaction, cancelled) stays as it is; the station is answered all the same, as
        the message's answer carries nothing to refuse with."""
        async with self._unit_of_work() as uow:
            stored = await uow.reservations.get(reservation_id)
            ended = (
                None
                if stored is None or stored.charge_point_id != charge_point_id
                else stored.ended_by_station(update, self._clock.now())
            )
            applied = ended is not None and await uow.reservations.save(
                ended, expected=ReservationStatus.ACTIVE
            )
            await uow.commit()
        if applied:
            LOG.info(
                "reservation %d charge_point_id=%s ended by the station: %s",
                reservation_id,
                charge_point_id,
                update.value,
            )
        else:
            LOG.warning(
                "ReservationStatusUpdate %s for reservation %d charge_point_id=%s changed "
                "nothing: %s",
                update.value,
                reservation_id,
                charge_point_id,
                "no such reservation of this charge point"
                if stored is None or stored.charge_point_id != charge_point_id
                else f"it is {stored.status.name}",
            )
        return applied

    async def get(self, reservation_id: int) -> Reservation:
        """The reservation as it stands now (EXPIRED once an ACTIVE one's time passed)."""
        return await self._stored(reservation_id)

    async def _stored(self, reservation_id: int) -> Reservation:
        if reservation_id <= 0:
            raise InvalidReservationRequest(
                f"id must be a positive reservation id, got {reservation_id}"
            )
        async with self._unit_of_work() as uow:
            reservation = await uow.reservations.get(reservation_id)
        if reservation is None:
            raise ReservationNotFound(reservation_id)
        return reservation.as_of(self._clock.now())

    async def list(self, query: ReservationQuery) -> ReservationPage:
        """A page of reservations, newest first, each as it stands now."""
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            found = await uow.reservations.search(replace(query, limit=query.limit + 1), now)
        page = tuple(r.as_of(now) for r in found[: query.limit])
        more = len(found) > query.limit
        return ReservationPage(page, page[-1].id if more and page else None)
