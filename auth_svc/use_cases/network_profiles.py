"""Network profiles: offering one to a station and recording its answer, with the
security profile upgrade an accepted one prepares (OCPP 2.0.1 B09, A05)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from auth_svc.domain.credentials import Credentials, check_charge_point_id
from auth_svc.domain.network_profiles import (
    NetworkOffer,
    NetworkProfile,
    after_answer,
    check_offer,
    recorded,
)
from auth_svc.ports import Stations, UnitOfWork
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class OfferOutcome:
    profile: NetworkProfile
    # The credentials after the answer (None: the charge point has none stored).
    credentials: Credentials | None


class NetworkProfileUseCases:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: Stations
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def offer(self, charge_point_id: str, offer: NetworkOffer) -> OfferOutcome:
        """Check the offer against the charge point's credentials, send it (the station's
        errors pass through: not connected, an OCPP 1.6 station, ...), then record it with
        the station's answer and, when accepted with a higher security profile, that
        profile as pending."""
        check_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id)
        check_offer(charge_point_id, offer.configuration_slot, offer.security_profile, stored)
        answer = await self._stations.set_network_profile(
            charge_point_id, offer.configuration_slot, offer.connection
        )
        now = self._clock.now()
        profile = recorded(charge_point_id, offer, answer, now)
        async with self._unit_of_work() as uow:
            await uow.network_profiles.put(profile)
            # Read again: a concurrent change (a new password) must not be undone.
            current = await uow.credentials.get(charge_point_id)
            changed = after_answer(charge_point_id, current, offer.security_profile, answer, now)
            if changed is not None:
                await uow.credentials.put(changed)
            await uow.commit()
        LOG.info(
            "network profile charge_point_id=%s slot=%d security_profile=%d answered %s%s",
            charge_point_id,
            offer.configuration_slot,
            offer.security_profile,
            answer,
            "; upgrade pending until it connects with it" if changed is not None else "",
        )
        return OfferOutcome(profile, changed or current)

    async def list(self, charge_point_id: str) -> list[NetworkProfile]:
        check_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            return await uow.network_profiles.list(charge_point_id)
