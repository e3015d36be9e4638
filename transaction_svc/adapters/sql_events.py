"""The repository of OCPP 2.x transaction events over SQLAlchemy Core."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from servicekit.timestamps import as_utc
from transaction_svc.adapters.tables import transaction_events
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.transaction_event import (
    EventIdentity,
    RecordedEvent,
    TransactionEventType,
)

# Built once: every TransactionEvent runs these (see transaction_svc.adapters.sql).
_ADD = insert(transaction_events)
# The events with one seqNo (usually one), compared by identity here rather than in SQL,
# so that no dialect's rounding of a timestamp parameter decides what is a repeat.
_WITH_SEQ_NO = select(transaction_events).where(
    transaction_events.c.transaction_id == bindparam("transaction_id"),
    transaction_events.c.seq_no == bindparam("seq_no"),
)


class SqlTransactionEventRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, event: RecordedEvent) -> None:
        status = event.authorization_status
        expires = event.authorization_expires_at
        await self._connection.execute(
            _ADD,
            {
                "transaction_id": event.transaction_id,
                "seq_no": event.seq_no,
                "event_type": event.event_type.name,
                "trigger_reason": event.trigger_reason,
                "timestamp": as_utc(event.timestamp),
                "offline": event.offline,
                "charging_state": event.charging_state,
                "id_tag": event.id_tag,
                "authorization_status": None if status is None else status.name,
                "authorization_expires_at": None if expires is None else as_utc(expires),
                "parent_id_tag": event.parent_id_tag,
            },
        )

    async def find(self, transaction_id: int, identity: EventIdentity) -> RecordedEvent | None:
        parameters = {"transaction_id": transaction_id, "seq_no": identity.seq_no}
        rows = await self._connection.execute(_WITH_SEQ_NO, parameters)
        return next((e for e in map(_recorded, rows) if e.identity == identity), None)

    async def of_transaction(self, transaction_id: int) -> list[RecordedEvent]:
        rows = await self._connection.execute(
            select(transaction_events)
            .where(transaction_events.c.transaction_id == transaction_id)
            .order_by(transaction_events.c.seq_no, transaction_events.c.id)
        )
        return [_recorded(row) for row in rows]


def _recorded(row: Row[Any]) -> RecordedEvent:
    return RecordedEvent(
        transaction_id=row.transaction_id,
        seq_no=row.seq_no,
        event_type=TransactionEventType[row.event_type],
        trigger_reason=row.trigger_reason,
        timestamp=as_utc(row.timestamp),
        offline=bool(row.offline),
        charging_state=row.charging_state,
        id_tag=row.id_tag,
        authorization_status=(
            None
            if row.authorization_status is None
            else AuthorizationStatus[row.authorization_status]
        ),
        authorization_expires_at=(
            None if row.authorization_expires_at is None else as_utc(row.authorization_expires_at)
        ),
        parent_id_tag=row.parent_id_tag,
    )
