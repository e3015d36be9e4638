"""Authorizing identifiers (OCPP 1.6 Authorize and the idTag of Start/StopTransaction, 2.0.1
C01 and E01) and managing the stored ones, one method each, over ports only."""

from __future__ import annotations

import logging
from collections.abc import Callable

from auth_svc.domain.id_tag import (
    IdTag,
    IdTagFields,
    IdTagPage,
    IdTokenInfo,
    Purpose,
    check_fields,
    check_presented_id_tag,
    checks_concurrency,
    decide,
    presented_as,
)
from auth_svc.domain.local_list import (
    needs_new_version,
)
from auth_svc.errors import UnknownIdTag
from auth_svc.ports import ActiveTransactions, UnitOfWork
from servicekit.clock import Clock
from servicekit.ocpp_vocabulary import DEFAULT_ID_TOKEN_TYPE
from servicekit.pagination import PageRequest

LOG = logging.getLogger(__name__)


class IdTagUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        active_transactions: ActiveTransactions,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._active_transactions = active_transactions

    async def authorize(
        self,
        id_tag: str,
        purpose: Purpose,
        *,
        charge_point_id: str = "",
        id_token_type: str = "",
    ) -> IdTokenInfo:
        """Decide whether ``id_tag`` may charge (OCPP 1.6 §4.1 Authorize, 2.x Authorize).

        ``charge_point_id`` only gives the log line its context; the decision does not
        depend on the station. The database transaction ends before transaction_svc is
        asked, so that no connection is held across a call to another service. A 2.x
        station's ``id_token_type`` other than the stored one names an unknown token
        (:func:`~auth_svc.domain.id_tag.presented_as`).
        """
        check_presented_id_tag(id_tag)
        async with self._unit_of_work() as uow:
            tag = presented_as(await uow.id_tags.get(id_tag), id_token_type)
        now = self._clock.now()
        active = 0
        if checks_concurrency(tag, now, purpose):
            active = await self._active_transactions.count_active(id_tag)
        info = decide(tag, now, purpose, active)
        LOG.debug(
            "authorize charge_point=%s id_tag=%s purpose=%s status=%s",
            charge_point_id,
            id_tag,
            purpose.name,
            info.status.name,
        )
        return info

    async def create_id_tag(self, fields: IdTagFields) -> IdTag:
        fields = check_fields(fields)
        now = self._clock.now()
        tag = IdTag(
            id_tag=fields.id_tag,
            status=fields.status,
            expires_at=fields.expires_at,
            parent_id_tag=fields.parent_id_tag,
            created_at=now,
            updated_at=now,
            id_token_type=fields.id_token_type or DEFAULT_ID_TOKEN_TYPE,
        )
        async with self._unit_of_work() as uow:
            await uow.id_tags.add(tag)
            await uow.commit()
        LOG.info("id tag created id_tag=%s status=%s", tag.id_tag, tag.status.name)
        return tag

    async def get_id_tag(self, id_tag: str) -> IdTag:
        check_presented_id_tag(id_tag)
        async with self._unit_of_work() as uow:
            tag = await uow.id_tags.get(id_tag)
        if tag is None:
            raise UnknownIdTag(id_tag)
        return tag

    async def list_id_tags(self, page: PageRequest) -> IdTagPage:
        """Keyset pagination in id_tag order: one row more than asked tells if more follow."""
        async with self._unit_of_work() as uow:
            rows = await uow.id_tags.list_after(page.after, page.size + 1)
        shown = tuple(rows[: page.size])
        more = len(rows) > page.size
        return IdTagPage(shown, shown[-1].id_tag if more and shown else None)

    async def update_id_tag(self, fields: IdTagFields) -> IdTag:
        """Replace status, expiry, parent and (when named) the id token type of a stored
        identifier; keep its creation time.

        When the identifier is in the local list and what stations hold about it changed,
        the list gets a new version, so that differential updates carry the change.
        """
        fields = check_fields(fields)
        async with self._unit_of_work() as uow:
            stored = await uow.id_tags.get(fields.id_tag)
            if stored is None:
                raise UnknownIdTag(fields.id_tag)
            tag = IdTag(
                id_tag=stored.id_tag,
                status=fields.status,
                expires_at=fields.expires_at,
                parent_id_tag=fields.parent_id_tag,
                created_at=stored.created_at,
                updated_at=self._clock.now(),
                # Not named: kept, so that a client unaware of types never resets one.
                id_token_type=fields.id_token_type or stored.id_token_type,
            )
            await uow.id_tags.replace(tag)
            entry = await uow.local_list.get(tag.id_tag)
            if entry is not None and entry.is_member and needs_new_version(stored, tag):
                version = await uow.local_list.next_version()
                await uow.local_list.put(entry.changed(version))
                LOG.info("local list version %d: id_tag=%s changed", version, tag.id_tag)
            await uow.commit()
        LOG.info("id tag updated id_tag=%s status=%s", tag.id_tag, tag.status.name)
        return tag
