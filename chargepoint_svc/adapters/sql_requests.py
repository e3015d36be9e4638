"""SQL repositories of the requests sent to stations with their reports, and of the
stations' display messages. Request parameters and messages are kept as JSON text: they
are read back whole, never searched by field."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chargepoint_svc.adapters.sql_reports import dialect_insert
from chargepoint_svc.adapters.tables import display_messages, request_reports, station_requests
from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import RequestKind, RequestReport, StationRequest
from servicekit.timestamps import as_utc

_REQUEST = station_requests.c
_REPORT = request_reports.c


class SqlStationRequestRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def highest_request_id(self, charge_point_id: ChargePointId) -> int | None:
        highest = await self._connection.scalar(
            select(func.max(_REQUEST.request_id)).where(_REQUEST.charge_point_id == charge_point_id)
        )
        return None if highest is None else int(highest)

    async def add(self, request: StationRequest) -> None:
        await self._connection.execute(
            station_requests.insert().values(
                charge_point_id=request.charge_point_id,
                kind=request.kind.value,
                request_id=request.request_id,
                details=json.dumps(dict(request.details), sort_keys=True),
                requested_by=request.requested_by,
                requested_at=request.requested_at,
                answer=request.answer,
                file_name=request.file_name,
                error=request.error,
            )
        )

    async def save(self, request: StationRequest) -> None:
        await self._connection.execute(
            update(station_requests)
            .where(*_key(request.charge_point_id, request.kind, request.request_id))
            .values(answer=request.answer, file_name=request.file_name, error=request.error)
        )

    async def get(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> StationRequest | None:
        row = (
            await self._connection.execute(
                select(station_requests).where(*_key(charge_point_id, kind, request_id))
            )
        ).first()
        return None if row is None else _request(row)

    async def latest(
        self, charge_point_id: ChargePointId, kind: RequestKind
    ) -> StationRequest | None:
        found = await self.page(charge_point_id, kind, None, 1)
        return found[0] if found else None

    async def page(
        self, charge_point_id: ChargePointId, kind: RequestKind, before: int | None, limit: int
    ) -> list[StationRequest]:
        query = select(station_requests).where(
            _REQUEST.charge_point_id == charge_point_id, _REQUEST.kind == kind.value
        )
        if before is not None:
            query = query.where(_REQUEST.request_id < before)
        rows = await self._connection.execute(
            query.order_by(_REQUEST.request_id.desc()).limit(limit)
        )
        return [_request(row) for row in rows]

    async def add_report(
        self,
        charge_point_id: ChargePointId,
        kind: RequestKind,
        request_id: int,
        report: RequestReport,
    ) -> None:
        await self._connection.execute(
            request_reports.insert().values(
                charge_point_id=charge_point_id,
                kind=kind.value,
                request_id=request_id,
                received_at=report.received_at,
                seq_no=report.seq_no,
                status=report.status,
                data=report.data,
                tbc=report.tbc,
                generated_at=report.generated_at,
            )
        )

    async def reports(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> list[RequestReport]:
        rows = await self._connection.execute(
            select(request_reports)
            .where(
                _REPORT.charge_point_id == charge_point_id,
                _REPORT.kind == kind.value,
                _REPORT.request_id == request_id,
            )
            .order_by(_REPORT.id)
        )
        return [
            RequestReport(
                received_at=as_utc(row.received_at),
                seq_no=row.seq_no,
                status=row.status,
                data=row.data,
                tbc=row.tbc,
                generated_at=None if row.generated_at is None else as_utc(row.generated_at),
            )
            for row in rows
        ]


def _key(charge_point_id: str, kind: RequestKind, request_id: int) -> tuple[Any, ...]:
    return (
        _REQUEST.charge_point_id == charge_point_id,
        _REQUEST.kind == kind.value,
        _REQUEST.request_id == request_id,
    )


def _request(row: Row[Any]) -> StationRequest:
    return StationRequest(
        charge_point_id=ChargePointId(row.charge_point_id),
        kind=RequestKind(row.kind),
        request_id=row.request_id,
        requested_at=as_utc(row.requested_at),
        details=MappingProxyType(json.loads(row.details)),
        requested_by=row.requested_by,
        answer=row.answer,
        file_name=row.file_name,
        error=row.error,
    )


class SqlDisplayMessageRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(
        self, charge_point_id: ChargePointId, messages: Sequence[DisplayMessage]
    ) -> None:
        if not messages:
            return
        now = datetime.now(UTC)
        insert = dialect_insert(self._connection, display_messages)
        statement = insert.values(
            [
                {
                    "charge_point_id": charge_point_id,
                    "message_id": message.id,
                    "body": json.dumps(_message_json(message), sort_keys=True),
                    "updated_at": now,
                }
                for message in messages
            ]
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[display_messages.c.charge_point_id, display_messages.c.message_id],
                set_={"body": statement.excluded.body, "updated_at": statement.excluded.updated_at},
            )
        )

    async def delete(self, charge_point_id: ChargePointId, message_id: int | None) -> None:
        statement = delete(display_messages).where(
            display_messages.c.charge_point_id == charge_point_id
        )
        if message_id is not None:
            statement = statement.where(display_messages.c.message_id == message_id)
        await self._connection.execute(statement)

    async def messages(self, charge_point_id: ChargePointId) -> list[DisplayMessage]:
        rows = await self._connection.execute(
            select(display_messages.c.body)
            .where(display_messages.c.charge_point_id == charge_point_id)
            .order_by(display_messages.c.message_id)
        )
        return [_message(json.loads(row.body)) for row in rows]


def _message_json(message: DisplayMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "priority": message.priority,
        "content": message.content,
        "format": message.format,
        "language": message.language,
        "state": message.state,
        "start_time": None if message.start_time is None else message.start_time.isoformat(),
        "end_time": None if message.end_time is None else message.end_time.isoformat(),
        "transaction_id": message.transaction_id,
        "display_component": message.display_component,
        "display_component_instance": message.display_component_instance,
    }


def _message(body: dict[str, Any]) -> DisplayMessage:
    moments = {
        name: None if body[name] is None else datetime.fromisoformat(body[name])
        for name in ("start_time", "end_time")
    }
    return DisplayMessage(**(body | moments))
