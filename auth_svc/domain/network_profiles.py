"""Network connection profiles offered to a station (OCPP 2.0.1 B09) and the security
profile upgrade they prepare (A05). Pure: no I/O.

A05 raises a station's security profile in steps: the CSMS sends a network profile with
the higher profile (SetNetworkProfile), makes its slot the first the station tries
(SetVariables OCPPCommCtrlr.NetworkConfigurationPriority) and resets it; the station
reconnects with the new profile. The CSMS cannot know the station switched until it
connects that way, so an accepted higher profile is *pending*: the old one stays in force
(a station that fails to connect with the new profile falls back to the old slot, B10),
and the first connection that meets the new one makes it the charge point's profile, after
which connections at the lower one are refused. A profile is never lowered this way
(OCPP 2.0.1 A00: a station does not fall back to a lower security profile).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auth_svc.domain.credentials import Credentials, SecurityProfile
from auth_svc.errors import InvalidRequest

# Connection data fields that are secrets: sent to the station, never kept (camelCase, as
# the connection data is recorded).
_SECRETS = {"vpn": ("password", "key"), "apn": ("apnPassword",)}


class ProfileStatus(enum.StrEnum):
    """The station's SetNetworkProfileStatusEnumType."""

    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class NetworkOffer:
    """What an operator offers: the slot, the security profile of the connection data,
    and the whole connection data (camelCase JSON, secrets included)."""

    configuration_slot: int
    security_profile: SecurityProfile
    connection: Mapping[str, Any]


@dataclass(frozen=True)
class NetworkProfile:
    """An offered profile as recorded: the station's answer, the connection data without
    its secrets."""

    charge_point_id: str
    configuration_slot: int
    security_profile: SecurityProfile
    connection: Mapping[str, Any]
    status: ProfileStatus
    offered_at: datetime


def check_offer(
    charge_point_id: str, slot: int, offered: int, stored: Credentials | None
) -> SecurityProfile:
    """The offered security profile, if the CSMS may offer it: 1-3, never lower than the
    charge point's own, and with a password stored for the Basic auth of 1 and 2."""
    if slot < 1:
        raise InvalidRequest(f"configuration_slot must be 1 or more, got {slot}")
    if offered not in (1, 2, 3):
        raise InvalidRequest(
            f"connection_data.security_profile must be 1, 2 or 3 (OCPP 2.0.1 A00), got {offered}"
        )
    profile = SecurityProfile(offered)
    current = stored.security_profile if stored is not None else SecurityProfile.NONE
    if profile < current:
        raise InvalidRequest(
            f"connection_data.security_profile {offered} is lower than charge point "
            f"{charge_point_id}'s security profile {int(current)}: a security profile is "
            "never lowered (OCPP 2.0.1 A00, A05)"
        )
    needs_password = profile in (SecurityProfile.BASIC_AUTH, SecurityProfile.TLS_BASIC_AUTH)
    if needs_password and not (stored is not None and stored.password_hash):
        raise InvalidRequest(
            f"security profile {offered} authenticates with a password and charge point "
            f"{charge_point_id} has none: set it first with POST /api/v1/charge-points/"
            f"{charge_point_id}/credentials/password"
        )
    return profile


def recorded(
    charge_point_id: str, offer: NetworkOffer, status: ProfileStatus, at: datetime
) -> NetworkProfile:
    connection = {key: value for key, value in offer.connection.items() if key not in _SECRETS}
    for key, secrets in _SECRETS.items():
        part = offer.connection.get(key)
        if isinstance(part, Mapping):
            connection[key] = {k: v for k, v in part.items() if k not in secrets}
    return NetworkProfile(
        charge_point_id, offer.configuration_slot, offer.security_profile, connection, status, at
    )


def after_answer(
    charge_point_id: str,
    stored: Credentials | None,
    offered: SecurityProfile,
    status: ProfileStatus,
    at: datetime,
) -> Credentials | None:
    """The credentials to store after the station's answer, or None when they do not
    change: an accepted higher profile becomes the pending one (A05), an equal one changes
    nothing, and a refused one leaves any earlier pending upgrade as it was."""
    current = stored.security_profile if stored is not None else SecurityProfile.NONE
    if status is not ProfileStatus.ACCEPTED or offered <= current:
        return None
    # The latest accepted offer is the one the operator is rolling out.
    base = stored or Credentials(charge_point_id, SecurityProfile.NONE, None, None, at)
    return base.upgrading_to(offered, at)
