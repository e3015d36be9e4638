"""The :class:`~auth_svc.ports.Stations` port over the edge's EdgeService.

The call itself, its deadline, the edge's errors passed on with their status and an
answer this service does not know are :mod:`servicekit.station_calls`'; here is what is
auth_svc's: the requests built from its domain, and what each answer means to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import grpc
from google.protobuf import json_format

from auth_svc.domain.credentials import PasswordChangeStatus
from auth_svc.domain.local_list import UpdateEntry, UpdateStatus, UpdateType
from auth_svc.domain.network_profiles import ProfileStatus
from csms.edge.v1 import network_profiles_pb2, operations_pb2
from servicekit.station_calls import StationCalls, answer
from servicekit.timestamps import to_timestamp

_Request = operations_pb2.SendLocalListRequest
_Response = operations_pb2.SendLocalListResponse


def entry_to_proto(entry: UpdateEntry) -> operations_pb2.LocalListEntry:
    message = operations_pb2.LocalListEntry(id_tag=entry.id_tag, id_token_type=entry.id_token_type)
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
    return answer(_Response.Status, value, UpdateStatus, otherwise=UpdateStatus.FAILED)


def password_status_from_proto(value: int) -> PasswordChangeStatus:
    """An answer this service does not know (a newer edge) is not an acceptance."""
    names = operations_pb2.ChangeConfigurationResponse.Status
    return answer(names, value, PasswordChangeStatus, otherwise=PasswordChangeStatus.REJECTED)


class EdgeStations:
    """Sends SendLocalList and SetBasicAuthPassword through EdgeService with a deadline.
    The channel belongs to the caller (the composition root opens and closes it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

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
        response = await self._calls.call(self._calls.edge.SendLocalList, request)
        return status_from_proto(response.status)

    async def set_basic_auth_password(
        self, charge_point_id: str, password: str
    ) -> PasswordChangeStatus:
        request = operations_pb2.SetBasicAuthPasswordRequest(
            charge_point_id=charge_point_id, password=password
        )
        response = await self._calls.call(self._calls.edge.SetBasicAuthPassword, request)
        return password_status_from_proto(response.status)

    # Issue 13: network profiles.
    async def set_network_profile(
        self, charge_point_id: str, slot: int, connection: Mapping[str, Any]
    ) -> ProfileStatus:
        request = network_profiles_pb2.SetNetworkProfileRequest(
            charge_point_id=charge_point_id,
            configuration_slot=slot,
            connection_data=json_format.ParseDict(
                dict(connection), network_profiles_pb2.NetworkConnectionProfile()
            ),
        )
        response = await self._calls.call(self._calls.edge.SetNetworkProfile, request)
        values = network_profiles_pb2.SetNetworkProfileResponse.Status
        # An answer this service does not know (a newer edge) is not an acceptance.
        return answer(values, response.status, ProfileStatus, otherwise=ProfileStatus.FAILED)
