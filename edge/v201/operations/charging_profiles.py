"""OCPP 2.x GetChargingProfiles (K09): which profiles a station holds. The station answers
at once; the profiles follow in ReportChargingProfiles parts carrying the request id,
which chargepoint_svc keeps. Pure."""

from __future__ import annotations

from csms.edge.v1 import smart_charging_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice
from edge.v201.operations.fields import Kwargs, mapped, non_negative

Profile = smart_charging_pb2.ChargingProfile
Request = smart_charging_pb2.GetChargingProfilesRequest
Response = smart_charging_pb2.GetChargingProfilesResponse

# 2.0.1 ChargingProfilePurposeEnumType, the external constraints included: a station may
# hold them though the CSMS never sets them (K01.FR.22).
_PURPOSE = {
    Profile.CHARGE_POINT_MAX_PROFILE: "ChargingStationMaxProfile",
    Profile.TX_DEFAULT_PROFILE: "TxDefaultProfile",
    Profile.TX_PROFILE: "TxProfile",
    Profile.CHARGING_STATION_EXTERNAL_CONSTRAINTS: "ChargingStationExternalConstraints",
}
# 2.0.1 ChargingLimitSourceEnumType.
_SOURCE = {
    smart_charging_pb2.CSO: "CSO",
    smart_charging_pb2.EMS: "EMS",
    smart_charging_pb2.SO: "SO",
    smart_charging_pb2.OTHER: "Other",
}
_STATUS = {"Accepted": Response.ACCEPTED, "NoProfiles": Response.NO_PROFILES}
# ChargingProfileCriterionType: chargingLimitSource holds at most 4 sources.
MAX_SOURCES = 4


def get_request(resolved: Resolved) -> Kwargs:
    """K09: every criterion is optional; the station reports the profiles matching all
    those given. An unset evse_id asks about every EVSE, 0 about the whole station."""
    request: Request = resolved.request
    if any(profile_id <= 0 for profile_id in request.profile_ids):
        raise InvalidRequest(f"profile_ids must be positive ids, got {list(request.profile_ids)}")
    if len(request.sources) > MAX_SOURCES:
        raise InvalidRequest(f"sources may name at most {MAX_SOURCES} limit sources")
    if request.HasField("stack_level") and request.stack_level < 0:
        raise InvalidRequest(f"stack_level must be 0 or more, got {request.stack_level}")
    criterion: Kwargs = {
        "charging_profile_purpose": None
        if request.purpose == Profile.PURPOSE_UNSPECIFIED
        else choice(request.purpose, _PURPOSE, "purpose", Profile.Purpose.DESCRIPTOR),
        "stack_level": request.stack_level if request.HasField("stack_level") else None,
        "charging_profile_id": list(request.profile_ids) or None,
        "charging_limit_source": [
            choice(source, _SOURCE, "sources", smart_charging_pb2.LimitSource.DESCRIPTOR)
            for source in request.sources
        ]
        or None,
    }
    return {
        "request_id": resolved.request_id,
        "evse_id": non_negative(request.evse_id, "evse_id", "the whole station")
        if request.HasField("evse_id")
        else None,
        "charging_profile": {key: value for key, value in criterion.items() if value is not None},
    }


def get_answer(reply: Reply) -> Response:
    """The status, and the request id the report parts will carry."""
    return Response(
        status=mapped(_STATUS, reply.payload.status, "status"),
        request_id=reply.resolved.request_id,
    )
