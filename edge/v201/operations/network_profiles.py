"""OCPP 2.x SetNetworkProfile (2.0.1 B09, the first step of A05's security profile
upgrade): the API's profile -> ``connectionData``, the station's answer -> the API's.
Pure. The words of the string fields are OCPP's; the version's schema checks them before
the call is sent, so an unknown interface or transport is a 400 naming the field."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import network_profiles_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import optional, required
from edge.v201.operations.fields import Kwargs, mapped, positive

_Response = network_profiles_pb2.SetNetworkProfileResponse
_STATUS = {
    "Accepted": _Response.ACCEPTED,
    "Rejected": _Response.REJECTED,
    "Failed": _Response.FAILED,
}


def _vpn(vpn: network_profiles_pb2.Vpn) -> Kwargs:
    return {
        "server": required(vpn.server, "connection_data.vpn.server"),
        "user": required(vpn.user, "connection_data.vpn.user"),
        "group": optional(vpn.group),
        "password": required(vpn.password, "connection_data.vpn.password"),
        "key": required(vpn.key, "connection_data.vpn.key"),
        "type": required(vpn.type, "connection_data.vpn.type"),
    }


def _apn(apn: network_profiles_pb2.Apn) -> Kwargs:
    return {
        "apn": required(apn.apn, "connection_data.apn.apn"),
        "apn_user_name": optional(apn.apn_user_name),
        "apn_password": optional(apn.apn_password),
        "sim_pin": apn.sim_pin or None,
        "preferred_network": optional(apn.preferred_network),
        "use_only_preferred_network": apn.use_only_preferred_network or None,
        "apn_authentication": required(
            apn.apn_authentication, "connection_data.apn.apn_authentication"
        ),
    }


def set_request(request: network_profiles_pb2.SetNetworkProfileRequest) -> Kwargs:
    """B09: the slot and the profile; security profile 1-3 (A00: profile 0 is this CSMS's
    own "no authentication", not one a station can be told to use)."""
    if not request.HasField("connection_data"):
        raise InvalidRequest("connection_data is required")
    data = request.connection_data
    if data.security_profile not in (1, 2, 3):
        raise InvalidRequest(
            f"connection_data.security_profile must be 1, 2 or 3 (OCPP 2.0.1 A00), "
            f"got {data.security_profile}"
        )
    connection: dict[str, Any] = {
        "ocpp_version": data.ocpp_version or "OCPP20",
        "ocpp_transport": data.ocpp_transport or "JSON",
        "ocpp_csms_url": required(data.ocpp_csms_url, "connection_data.ocpp_csms_url"),
        "message_timeout": positive(data.message_timeout, "connection_data.message_timeout"),
        "security_profile": data.security_profile,
        "ocpp_interface": required(data.ocpp_interface, "connection_data.ocpp_interface"),
        "vpn": _vpn(data.vpn) if data.HasField("vpn") else None,
        "apn": _apn(data.apn) if data.HasField("apn") else None,
    }
    return {
        "configuration_slot": positive(request.configuration_slot, "configuration_slot"),
        "connection_data": {k: v for k, v in connection.items() if v is not None},
    }


def set_answer(answer: Any) -> network_profiles_pb2.SetNetworkProfileResponse:
    info = answer.status_info or {}
    return _Response(
        status=mapped(_STATUS, answer.status, "status"),
        reason=str(info.get("reason_code", "")),
    )
