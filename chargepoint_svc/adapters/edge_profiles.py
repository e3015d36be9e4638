"""The :class:`~chargepoint_svc.ports.StationProfiles` port over the edge's EdgeService
(ADR 0005): the call, its deadline and the edge's errors are
:mod:`servicekit.station_calls`'; here is what is chargepoint_svc's: the request built
from a library profile, and what the answer means."""

from __future__ import annotations

import grpc
from google.protobuf import json_format

from csms.edge.v1 import operations_pb2, smart_charging_pb2
from servicekit.station_calls import StationCalls, answer_name

_Response = operations_pb2.SetChargingProfileResponse


class EdgeStationProfiles:
    """Sends SetChargingProfile and ClearChargingProfile through EdgeService with a
    deadline. The channel belongs to the caller (the composition root opens and closes
    it)."""

    def __init__(self, channel: grpc.aio.Channel, timeout: float) -> None:
        self._calls = StationCalls(channel, timeout)

    async def set_charging_profile(
        self, charge_point_id: str, evse_id: int, document: str, transaction_id: int
    ) -> str:
        profile = json_format.Parse(document, smart_charging_pb2.ChargingProfile())
        if transaction_id > 0:
            profile.transaction_id = transaction_id
        request = operations_pb2.SetChargingProfileRequest(
            charge_point_id=charge_point_id, evse_id=evse_id, charging_profile=profile
        )
        response = await self._calls.call(self._calls.edge.SetChargingProfile, request)
        # An answer this service's protos do not name (a newer edge) is no acceptance.
        return answer_name(_Response.Status, response.status) or "REJECTED"

    async def clear_charging_profile(self, charge_point_id: str, profile_id: int) -> str:
        request = operations_pb2.ClearChargingProfileRequest(
            charge_point_id=charge_point_id, charging_profile_id=profile_id
        )
        response = await self._calls.call(self._calls.edge.ClearChargingProfile, request)
        # An answer this service's protos do not name is not a clearing.
        names = operations_pb2.ClearChargingProfileResponse.Status
        return answer_name(names, response.status) or "UNKNOWN"
