"""The resolve steps of the OCPP 2.x operations that need what only the edge knows
(:class:`edge.operations.dispatcher.ResolvingOperation`): a request id it allocates, and the
station's own transactionId of a CSMS transaction (OCPP 2.0.1 E: a transaction is
named by the station's id, the CSMS's is unknown to the station)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from edge.operations.dispatcher import Lookups, Resolved
from edge.operations.errors import InvalidRequest


async def request_id(request: Any, lookups: Lookups) -> Resolved:
    """A request id (remoteStartId, requestId): the caller's when it gave one (a field
    ``request_id`` > 0), else a fresh one."""
    given = getattr(request, "request_id", 0)
    return Resolved(request, request_id=given if given > 0 else lookups.request_id())


async def remote_start(request: Any, lookups: Lookups) -> Resolved:
    """A RequestStartTransaction's remoteStartId, and (when the operator named no type) the
    id token type auth_svc stores its id tag with (2.0.1 F01: the station starts for the
    token as given, so it must be the one the driver's card is)."""
    resolved = await request_id(request, lookups)
    if not request.id_tag or request.id_token_type:
        return resolved
    stored = await lookups.stored_token_type(request.id_tag, "id_tag")
    return replace(resolved, id_token_type=stored)


async def transaction(request: Any, lookups: Lookups) -> Resolved:
    """The station's id of ``transaction_id``, which is required."""
    if request.transaction_id <= 0:
        raise InvalidRequest(
            f"transaction_id is required (a positive id), got {request.transaction_id}"
        )
    station_id = await lookups.station_transaction_id(request.transaction_id, "transaction_id")
    return Resolved(request, station_transaction_id=station_id)


async def optional_transaction(request: Any, lookups: Lookups) -> Resolved:
    """The station's id of ``transaction_id`` when given (> 0)."""
    if request.transaction_id <= 0:
        return Resolved(request)
    station_id = await lookups.station_transaction_id(request.transaction_id, "transaction_id")
    return Resolved(request, station_transaction_id=station_id)


async def profile_transaction(request: Any, lookups: Lookups) -> Resolved:
    """The station's id of ``charging_profile.transaction_id`` when given (> 0)."""
    transaction_id = request.charging_profile.transaction_id
    if transaction_id <= 0:
        return Resolved(request)
    field = "charging_profile.transaction_id"
    station_id = await lookups.station_transaction_id(transaction_id, field)
    return Resolved(request, station_transaction_id=station_id)
