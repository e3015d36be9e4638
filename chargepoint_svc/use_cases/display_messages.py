"""Display messages (OCPP 2.0.1 O01-O06): set and cleared through the edge, and the store
of what each station shows kept as it accepted and reported it.

The store follows the station: an Accepted SetDisplayMessage (O01) adds or replaces the
message, a ClearDisplayMessage (O05) removes it whether the station answered Accepted or
Unknown (either way it does not show it), a NotifyDisplayMessages part (O04) adds or
replaces what it lists, and an unfiltered GetDisplayMessages the station answers Unknown
(it holds none, O04.FR.xx) empties it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from chargepoint_svc.domain.charge_point import parse_charge_point_id
from chargepoint_svc.domain.display_messages import MESSAGES_PER_STATION, DisplayMessage
from chargepoint_svc.errors import ChargePointNotFound, InvalidReport
from chargepoint_svc.ports import StationRequestCalls, UnitOfWork
from chargepoint_svc.use_cases.station_requests import StationRequestUseCases

LOG = logging.getLogger(__name__)

ACCEPTED = "Accepted"
UNKNOWN = "Unknown"


class DisplayMessageUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        stations: StationRequestCalls,
        requests: StationRequestUseCases,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._stations = stations
        self._requests = requests

    async def set_message(self, charge_point_id: str, message: DisplayMessage) -> str:
        cp_id = parse_charge_point_id(charge_point_id)
        checked = message.checked()
        await self._require(charge_point_id)
        status = await self._stations.set_display_message(cp_id, checked)
        if status == ACCEPTED:
            async with self._unit_of_work() as uow:
                await uow.display_messages.save(cp_id, [checked])
                await uow.commit()
        return status

    async def clear_message(self, charge_point_id: str, message_id: int) -> str:
        cp_id = parse_charge_point_id(charge_point_id)
        if message_id < 0:
            raise InvalidReport(f"id must be 0 or more, got {message_id}")
        await self._require(charge_point_id)
        status = await self._stations.clear_display_message(cp_id, message_id)
        if status in (ACCEPTED, UNKNOWN):
            async with self._unit_of_work() as uow:
                await uow.display_messages.delete(cp_id, message_id)
                await uow.commit()
        return status

    async def request_report(
        self, charge_point_id: str, ids: Sequence[int], priority: str, state: str
    ) -> tuple[str, int]:
        """GetDisplayMessages (O04): the station's answer and the requestId its
        NotifyDisplayMessages parts will carry."""
        if any(message_id < 0 for message_id in ids):
            raise InvalidReport(f"ids must be 0 or more, got {list(ids)}")
        details = {"ids": list(ids), "priority": priority, "state": state}
        sent = await self._requests.request_display_messages(charge_point_id, details)
        if sent.answer == UNKNOWN and not ids and not priority and not state:
            async with self._unit_of_work() as uow:
                await uow.display_messages.delete(sent.charge_point_id, None)
                await uow.commit()
        return sent.answer, sent.request_id

    async def record_report(
        self, charge_point_id: str, request_id: int, messages: Sequence[DisplayMessage]
    ) -> None:
        """A NotifyDisplayMessages part (O04): the messages it lists are what the station
        shows. Kept for a known charge point whatever the requestId (a station may report
        on its own)."""
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(cp_id)
            held = {message.id for message in await uow.display_messages.messages(cp_id)}
            room = MESSAGES_PER_STATION - len(held)
            kept: list[DisplayMessage] = []
            for message in messages:
                if message.id in held or room > 0:
                    room -= message.id not in held
                    held.add(message.id)
                    kept.append(message)
            if len(kept) < len(messages):
                LOG.warning(
                    "charge_point_id=%s reported more than %d display messages; %d not kept",
                    cp_id,
                    MESSAGES_PER_STATION,
                    len(messages) - len(kept),
                )
            await uow.display_messages.save(cp_id, kept)
            await uow.commit()
        LOG.info(
            "charge_point_id=%s reported %d display messages (request %d)",
            cp_id,
            len(messages),
            request_id,
        )

    async def messages(self, charge_point_id: str) -> list[DisplayMessage]:
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            return await uow.display_messages.messages(cp_id)

    async def _require(self, charge_point_id: str) -> None:
        cp_id = parse_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(cp_id)
