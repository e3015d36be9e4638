"""The :class:`~auth_svc.ports.Stations` port over the edge's EdgeService.

The edge's error contract (``csms/edge/v1/edge.proto``) is passed on with its status by
:func:`servicekit.edge_errors.station_error`: a caller of SendLocalList learns that the
station is not connected, did not answer, or answered with a CALLERROR exactly as it would
calling the edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import grpc

from auth_svc.domain.credentials import PasswordChangeStatus
from auth_svc.domain.local_list import UpdateEntry, UpdateStatus, UpdateType
from csms.edge.v1 import edge_pb2_grpc, operations_pb2
from servicekit import log_context
from servicekit.deadlines import within_caller
from servicekit.edge_errors import station_error
from servicekit.timestamps import to_timestamp

_Request = operations_pb2.SendLocalListRequest
_Response = operations_pb2.SendLocalListResponse


def entry_to_proto(entry: UpdateEntry) -> operations_pb2.LocalListEntry:
    message = operations_pb2.LocalListEntry(id_tag=entry.id_tag)
    authorization = entry.authorization
    if authorization is not None:
        message.authorization.CopyFrom(
            operations_pb2.LocalAuthorization(
                status=operations_pb2.LocalAuthorization.Status.Value(authorization.status.name),
                expires_at=to_timestamp(authorization.expires_at),
                parent_id_tag=authorization.parent_id_tag or "",
            )
        )
    return message


def status_from_proto(value: int) -> UpdateStatus:
    """The station's answer; one this service does not know (a newer edge) is not an
    acceptance, so it counts as FAILED."""
    if value not in _Response.Status.values() or value == _Response.STATUS_UNSPECIFIED:
        return UpdateStatus.FAILED
    return UpdateStatus[_Response.Status.Name(cast(Any, value))]


def password_status_from_proto(value: int) -> PasswordChangeStatus:
    """An answer this service does not know (a newer edge) is not an acceptance."""
    names = operations_pb2.ChangeConfigurationResponse.Status
    if value not in names.values() or value == names.STATUS_UNSPECIFIED:
        return PasswordChangeStatus.REJECTED
    return PasswordChangeStatus[names.Name(cast(Any, value))]


class EdgeStations:
    """Sends SendLocalList and SetBasicAuthPassword through EdgeService with a deadline.
    The channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._stub = edge_pb2_grpc.EdgeServiceStub(channel)
        self._timeout = timeout

    async def send_local_list(
        self,
        charge_point_id: str,
        version: int,
        update_type: UpdateType,
        entries: Sequence[UpdateEntry],
    ) -> UpdateStatus:
        request = _Request(
            charge_point_id=charge_point_id,
            version=version,
            update_type=_Request.UpdateType.Value(update_type.name),
            entries=[entry_to_proto(entry) for entry in entries],
        )
        try:
            response = await self._stub.SendLocalList(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            raise station_error(charge_point_id, error) from error
        return status_from_proto(response.status)

    async def set_basic_auth_password(
        self, charge_point_id: str, password: str
    ) -> PasswordChangeStatus:
        request = operations_pb2.SetBasicAuthPasswordRequest(
            charge_point_id=charge_point_id, password=password
        )
        try:
            response = await self._stub.SetBasicAuthPassword(
                request, timeout=within_caller(self._timeout), metadata=log_context.metadata()
            )
        except grpc.aio.AioRpcError as error:
            raise station_error(charge_point_id, error) from error
        return password_status_from_proto(response.status)
