"""An operator changes a registered charge point's registration (Accepted, Pending,
Rejected): stored at once, and an acceptance made to reach a connected station now."""

from __future__ import annotations

import logging
from collections.abc import Callable

from chargepoint_svc.domain.charge_point import RegistrationStatus, parse_charge_point_id
from chargepoint_svc.domain.registration import BootOutcome, RegistrationChange, boot_now
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.ports import Stations, UnitOfWork
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)


class RegistrationUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: Stations
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def change_registration(
        self, charge_point_id: str, status: RegistrationStatus | None
    ) -> RegistrationChange:
        """Store ``status``; then, when the station should boot now
        (:func:`~chargepoint_svc.domain.registration.boot_now`), ask it to. The change is
        stored whatever the station answers: its next boot brings the stored status."""
        if status is None:
            names = ", ".join(s.name for s in RegistrationStatus)
            raise InvalidReport(f"status is required: one of {names}")
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            stored = await uow.charge_points.lock(cp_id)
            if stored is None:
                raise ChargePointNotFound(charge_point_id)
            changed = stored.registered_as(status, self._clock.now())
            await uow.charge_points.update(changed)
            await uow.commit()
        previous = stored.registration_status
        LOG.info("charge point %s registration %s -> %s", cp_id, previous, status)
        boot = BootOutcome.AT_NEXT_BOOT
        if boot_now(previous, status):
            boot = await self._stations.trigger_boot(cp_id)
        return RegistrationChange(changed, previous, boot)
