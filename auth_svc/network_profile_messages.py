"""Translation between ``csms.auth.v1`` network profile messages and domain values (issue
13; OCPP 2.0.1 B09, A05). The connection data travels as the camelCase JSON of
``csms.edge.v1.NetworkConnectionProfile``: the edge checks it against the station's OCPP
schema, so this service keeps it as a whole rather than field by field."""

from __future__ import annotations

from google.protobuf import json_format

from auth_svc.domain.credentials import Credentials, SecurityProfile, effective_profile
from auth_svc.domain.network_profiles import NetworkOffer, NetworkProfile
from auth_svc.errors import InvalidRequest
from csms.auth.v1 import network_profiles_pb2
from csms.edge.v1 import network_profiles_pb2 as edge_profiles_pb2
from servicekit.timestamps import to_timestamp


def offer_from_proto(request: network_profiles_pb2.SetNetworkProfileRequest) -> NetworkOffer:
    if not request.HasField("connection_data"):
        raise InvalidRequest("connection_data is required")
    data = request.connection_data
    connection = json_format.MessageToDict(data)
    if data.security_profile not in (1, 2, 3):
        raise InvalidRequest(
            f"connection_data.security_profile must be 1, 2 or 3 (OCPP 2.0.1 A00), "
            f"got {data.security_profile}"
        )
    return NetworkOffer(
        request.configuration_slot, SecurityProfile(data.security_profile), connection
    )


def profile_to_proto(profile: NetworkProfile) -> network_profiles_pb2.NetworkProfile:
    data = json_format.ParseDict(
        dict(profile.connection), edge_profiles_pb2.NetworkConnectionProfile()
    )
    return network_profiles_pb2.NetworkProfile(
        charge_point_id=profile.charge_point_id,
        configuration_slot=profile.configuration_slot,
        connection_data=data,
        status=network_profiles_pb2.NetworkProfile.Status.Value(profile.status.name),
        offered_at=to_timestamp(profile.offered_at),
    )


def summary_to_proto(
    stored: Credentials | None, minimum: int
) -> network_profiles_pb2.ChargePointCredentialsSummary:
    return network_profiles_pb2.ChargePointCredentialsSummary(
        security_profile=int(stored.security_profile) if stored else 0,
        effective_security_profile=int(effective_profile(stored, minimum)),
        pending_security_profile=int(stored.pending_security_profile or 0) if stored else 0,
    )
