"""The local authorization list's operations (OCPP 1.6 LocalAuthListManagement, 2.0.1
D01-D02), one method each, over ports only."""

from __future__ import annotations

import logging
from collections.abc import Callable

from auth_svc.domain.id_tag import (
    check_presented_id_tag,
)
from auth_svc.domain.local_list import (
    ListEntry,
    LocalList,
    SendOutcome,
    UpdateStatus,
    UpdateType,
    build_update,
    update_type_for,
)
from auth_svc.errors import InvalidRequest, NotInLocalList, UnstoredIdTag
from auth_svc.ports import Stations, UnitOfWork
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)


class LocalListUseCases:
    """The local authorization list (OCPP 1.6 LocalAuthListManagement, 2.0.1 D01-D02): its
    members, its version, and sending it to stations."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, stations: Stations
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations

    async def add(self, id_tag: str) -> LocalList:
        """Make a stored identifier a member; a member already is, and nothing changes."""
        check_presented_id_tag(id_tag)
        async with self._unit_of_work() as uow:
            if await uow.id_tags.get(id_tag) is None:
                raise UnstoredIdTag(id_tag)
            entry = await uow.local_list.get(id_tag)
            if entry is None or not entry.is_member:
                version = await uow.local_list.next_version()
                # Joining (again) starts its history afresh: stations learn it as new.
                await uow.local_list.put(ListEntry(id_tag, version, version))
                LOG.info("local list version %d: id_tag=%s added", version, id_tag)
            listed = await self._list(uow)
            await uow.commit()
        return listed

    async def remove(self, id_tag: str) -> LocalList:
        check_presented_id_tag(id_tag)
        async with self._unit_of_work() as uow:
            entry = await uow.local_list.get(id_tag)
            if entry is None or not entry.is_member:
                raise NotInLocalList(id_tag)
            version = await uow.local_list.next_version()
            await uow.local_list.put(entry.removed(version))
            listed = await self._list(uow)
            await uow.commit()
        LOG.info("local list version %d: id_tag=%s removed", version, id_tag)
        return listed

    async def get(self) -> LocalList:
        async with self._unit_of_work() as uow:
            return await self._list(uow)

    @staticmethod
    async def _list(uow: UnitOfWork) -> LocalList:
        members = await uow.local_list.members()
        return LocalList(await uow.local_list.version(), tuple(m.tag for m in members))

    async def send(self, charge_point_id: str, requested: UpdateType) -> SendOutcome:
        """Send the list to a station (OCPP 1.6 §5.15 SendLocalList, 2.0.1 D01) and record
        the version it accepts.

        A differential update carries what changed after the version the station last
        accepted; without a record of one it is refused (:class:`NoListBase`), never sent
        as a full update. No database transaction
        is held while the station answers; edge errors are raised as they came, and only
        an Accepted answer is recorded.
        """
        if not charge_point_id:
            raise InvalidRequest("charge_point_id must not be empty: which station?")
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            version = await uow.local_list.version()
            accepted = await uow.station_lists.accepted_version(charge_point_id)
            update_type = update_type_for(requested, accepted, version, charge_point_id)
            if update_type is UpdateType.DIFFERENTIAL and accepted is not None:
                members = await uow.local_list.changed_after(accepted)
            else:
                members = await uow.local_list.members()
        update = build_update(update_type, version, members, now)
        status = await self._stations.send_local_list(
            charge_point_id, update.version, update.update_type, update.entries
        )
        if status is UpdateStatus.ACCEPTED:
            async with self._unit_of_work() as uow:
                await uow.station_lists.record(charge_point_id, version, self._clock.now())
                await uow.commit()
        LOG.info(
            "local list sent charge_point_id=%s version=%d update_type=%s entries=%d status=%s",
            charge_point_id,
            version,
            update_type.name,
            len(update.entries),
            status.name,
        )
        return SendOutcome(status, version, update_type, len(update.entries))
