"""In-memory twins of :mod:`chargepoint_svc.adapters.sql_requests`: requests sent to
stations with their reports, and the stations' display messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.station_requests import RequestKind, RequestReport, StationRequest

if TYPE_CHECKING:
    from chargepoint_svc.adapters.memory import MemoryStore

RequestKey = tuple[str, RequestKind, int]


class MemoryStationRequestRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def highest_request_id(self, charge_point_id: ChargePointId) -> int | None:
        ids = [key[2] for key in self._store.station_requests if key[0] == charge_point_id]
        return max(ids) if ids else None

    async def add(self, request: StationRequest) -> None:
        key = (request.charge_point_id, request.kind, request.request_id)
        if key in self._store.station_requests:
            raise LookupError(f"request {key} exists already (a primary key would fail)")
        self._store.station_requests[key] = request

    async def save(self, request: StationRequest) -> None:
        key = (request.charge_point_id, request.kind, request.request_id)
        if key in self._store.station_requests:
            self._store.station_requests[key] = request

    async def get(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> StationRequest | None:
        return self._store.station_requests.get((charge_point_id, kind, request_id))

    async def latest(
        self, charge_point_id: ChargePointId, kind: RequestKind
    ) -> StationRequest | None:
        found = await self.page(charge_point_id, kind, None, 1)
        return found[0] if found else None

    async def page(
        self, charge_point_id: ChargePointId, kind: RequestKind, before: int | None, limit: int
    ) -> list[StationRequest]:
        found = sorted(
            (
                request
                for (owner, of_kind, request_id), request in self._store.station_requests.items()
                if owner == charge_point_id
                and of_kind == kind
                and (before is None or request_id < before)
            ),
            key=lambda request: request.request_id,
            reverse=True,
        )
        return found[:limit]

    async def add_report(
        self,
        charge_point_id: ChargePointId,
        kind: RequestKind,
        request_id: int,
        report: RequestReport,
    ) -> None:
        key = (charge_point_id, kind, request_id)
        if key not in self._store.station_requests:
            raise LookupError(f"no request {key} (a foreign key would fail)")
        # A new list, not an append: the working copy shares the committed store's lists.
        self._store.request_reports[key] = [*self._store.request_reports.get(key, []), report]

    async def reports(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> list[RequestReport]:
        return list(self._store.request_reports.get((charge_point_id, kind, request_id), []))


class MemoryDisplayMessageRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def save(
        self, charge_point_id: ChargePointId, messages: Sequence[DisplayMessage]
    ) -> None:
        for message in messages:
            self._store.display_messages[(charge_point_id, message.id)] = message

    async def delete(self, charge_point_id: ChargePointId, message_id: int | None) -> None:
        for key in list(self._store.display_messages):
            if key[0] == charge_point_id and message_id in (None, key[1]):
                del self._store.display_messages[key]

    async def messages(self, charge_point_id: ChargePointId) -> list[DisplayMessage]:
        return [
            message
            for (owner, _), message in sorted(self._store.display_messages.items())
            if owner == charge_point_id
        ]
