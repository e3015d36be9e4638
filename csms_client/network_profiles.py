"""auth_svc's network profiles (issue 13; OCPP 2.0.1 B09, A05): offering one to a station
and reading what was offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csms.auth.v1 import network_profiles_pb2
from csms.edge.v1.network_profiles_pb2 import NetworkConnectionProfile
from csms_client.errors import invoke

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub

__all__ = ["NetworkConnectionProfile", "NetworkProfiles"]


class NetworkProfiles:
    def __init__(self, stub: AuthServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def offer(
        self, charge_point_id: str, slot: int, connection: NetworkConnectionProfile
    ) -> network_profiles_pb2.SetNetworkProfileResponse:
        """Send it to the connected 2.x station and record its answer; an accepted higher
        security profile is pending until the station connects with it (A05)."""
        request = network_profiles_pb2.SetNetworkProfileRequest(
            charge_point_id=charge_point_id, configuration_slot=slot, connection_data=connection
        )
        return await invoke(self.stub.SetNetworkProfile, request, self._timeout)

    async def list(self, charge_point_id: str) -> network_profiles_pb2.ListNetworkProfilesResponse:
        request = network_profiles_pb2.ListNetworkProfilesRequest(charge_point_id=charge_point_id)
        return await invoke(self.stub.ListNetworkProfiles, request, self._timeout)
