"""Charge point credentials and the rules of the OCPP security profiles. Pure: no I/O.

OCPP 1.6 security whitepaper §2 and OCPP 2.0.1 Part 2 A00 define three profiles; this
CSMS adds profile 0 for stations that authenticate not at all (the quick start):

==  ==========================================  ==========================================
0   no authentication                           any connection
1   HTTP Basic auth, unsecured transport        ``Authorization: Basic`` with username =
                                                charge point id and its password
2   TLS with HTTP Basic auth                    wss:// and Basic auth as for 1
3   TLS with a client certificate               wss:// and a client certificate issued by
                                                the CSMS CA whose subject CN is the id
==  ==========================================  ==========================================

TLS ends at Envoy, which validates a client certificate against the CSMS CA; what reaches
this module is what Envoy vouched for (TLS or not, the certificate's CN) and the Basic
credentials of the handshake. A connection may prove more than its profile asks (a
profile 1 station over TLS, a client certificate in place of a password); it may never
present credentials that are wrong: a wrong password or a certificate naming another
charge point is refused whatever the profile.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime

from auth_svc.errors import InvalidRequest


class SecurityProfile(enum.IntEnum):
    NONE = 0
    BASIC_AUTH = 1
    TLS_BASIC_AUTH = 2
    TLS_CLIENT_CERTIFICATE = 3


# OCPP 2.0.1 Part 2 identifierString, as the edge checks the identity in the URL.
_IDENTITY = re.compile(r"[A-Za-z0-9*\-_=:+|@.]{1,48}")


def check_charge_point_id(charge_point_id: str) -> str:
    if not _IDENTITY.fullmatch(charge_point_id):
        raise InvalidRequest(
            f"charge point id {charge_point_id!r} is not valid: it must be 1 to 48 "
            "characters from A-Z a-z 0-9 * - _ = : + | @ ."
        )
    return charge_point_id


def check_profile(value: int) -> SecurityProfile:
    try:
        return SecurityProfile(value)
    except ValueError:
        raise InvalidRequest(f"security_profile {value} is not 0, 1, 2 or 3") from None


@dataclass(frozen=True)
class Credentials:
    """What is stored for one charge point. ``pending_password_hash``: a new password sent
    to the station and not yet confirmed (ChangeChargePointPassword); it opens a
    connection as the current one does, and using it makes it the current one."""

    charge_point_id: str
    security_profile: SecurityProfile
    password_hash: str | None
    pending_password_hash: str | None
    updated_at: datetime
    # A higher profile the station accepted in a network profile (OCPP 2.0.1 A05), in force
    # from the first connection that meets it (see auth_svc.domain.network_profiles).
    pending_security_profile: SecurityProfile | None = None

    def with_pending(self, password_hash: str, at: datetime) -> Credentials:
        return replace(self, pending_password_hash=password_hash, updated_at=at)

    def confirmed(self, at: datetime) -> Credentials:
        """The pending password becomes the password."""
        if self.pending_password_hash is None:
            return self
        return replace(
            self,
            password_hash=self.pending_password_hash,
            pending_password_hash=None,
            updated_at=at,
        )

    def without_pending(self, at: datetime) -> Credentials:
        return replace(self, pending_password_hash=None, updated_at=at)

    def upgrading_to(self, profile: SecurityProfile, at: datetime) -> Credentials:
        return replace(self, pending_security_profile=profile, updated_at=at)

    def upgraded(self, at: datetime) -> Credentials:
        """The pending security profile becomes the profile (A05: the station connected
        with it); the lower one no longer opens a connection."""
        if self.pending_security_profile is None:
            return self
        return replace(
            self,
            security_profile=self.pending_security_profile,
            pending_security_profile=None,
            updated_at=at,
        )


class PasswordChangeStatus(enum.Enum):
    """The station's answer to its new password (1.6 ConfigurationStatus, 2.x
    SetVariableStatusEnumType as the edge maps it)."""

    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    REBOOT_REQUIRED = "REBOOT_REQUIRED"
    NOT_SUPPORTED = "NOT_SUPPORTED"

    @property
    def taken(self) -> bool:
        """The station uses the new password from its next connection (after a reboot
        for REBOOT_REQUIRED)."""
        return self in (PasswordChangeStatus.ACCEPTED, PasswordChangeStatus.REBOOT_REQUIRED)


def effective_profile(stored: Credentials | None, minimum: int) -> SecurityProfile:
    """The profile a charge point must connect with: its own, raised to the CSMS minimum
    (CSMS_MIN_SECURITY_PROFILE)."""
    own = stored.security_profile if stored is not None else SecurityProfile.NONE
    return SecurityProfile(max(own, minimum))


@dataclass(frozen=True)
class BasicCredentials:
    username: str
    password: str


@dataclass(frozen=True)
class Presented:
    """What a WebSocket handshake proves, as the edge saw it behind Envoy."""

    charge_point_id: str
    basic: BasicCredentials | None
    tls: bool
    client_certificate_cn: str | None


class PasswordCheck(enum.Enum):
    """How the presented Basic password compares with the stored ones (the use case
    hashes; the rules only read the result). NONE_STORED whenever no password is stored,
    presented or not; NOT_PRESENTED: one is stored, the handshake sent no Basic auth."""

    NOT_PRESENTED = "NOT_PRESENTED"
    NONE_STORED = "NONE_STORED"
    WRONG = "WRONG"
    CURRENT = "CURRENT"
    PENDING = "PENDING"

    @property
    def valid(self) -> bool:
        return self in (PasswordCheck.CURRENT, PasswordCheck.PENDING)


class Outcome(enum.Enum):
    ADMITTED = "ADMITTED"
    # Credentials missing or wrong: HTTP 401 with a Basic challenge.
    UNAUTHENTICATED = "UNAUTHENTICATED"
    # The connection cannot meet the profile with any password: HTTP 403.
    FORBIDDEN = "FORBIDDEN"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    security_profile: SecurityProfile
    reason: str = ""


def authenticate(
    presented: Presented, profile: SecurityProfile, password: PasswordCheck
) -> Decision:
    """Whether the connection meets ``profile`` (the effective one), given what it
    presented and how its password compared."""
    cp_id = presented.charge_point_id

    def refuse(outcome: Outcome, reason: str) -> Decision:
        return Decision(outcome, profile, reason)

    basic = presented.basic
    # OCPP 2.0.1 A00 and the 1.6 security whitepaper (profile 1): the Basic auth
    # username is the charge point identity.
    if basic is not None and basic.username != cp_id:
        return refuse(
            Outcome.UNAUTHENTICATED,
            f"the Basic auth username is {basic.username!r}; it must be the charge point id "
            f"{cp_id!r}",
        )
    if password is PasswordCheck.WRONG:
        return refuse(Outcome.UNAUTHENTICATED, f"wrong password for charge point {cp_id}")
    cn = presented.client_certificate_cn
    if cn is not None and cn != cp_id:
        return refuse(
            Outcome.FORBIDDEN,
            f"the client certificate is issued to {cn!r}, not to charge point {cp_id!r}",
        )
    certified = presented.tls and cn == cp_id
    if profile is SecurityProfile.NONE or certified:
        return Decision(Outcome.ADMITTED, profile)
    if profile is SecurityProfile.TLS_CLIENT_CERTIFICATE:
        if not presented.tls:
            return refuse(
                Outcome.FORBIDDEN,
                f"charge point {cp_id} uses security profile 3: connect with wss:// (TLS) "
                "and its client certificate",
            )
        return refuse(
            Outcome.FORBIDDEN,
            f"charge point {cp_id} uses security profile 3: present a client certificate "
            f"issued by the CSMS CA with subject CN={cp_id}",
        )
    if profile is SecurityProfile.TLS_BASIC_AUTH and not presented.tls:
        return refuse(
            Outcome.FORBIDDEN,
            f"charge point {cp_id} uses security profile 2: connect with wss:// (TLS); "
            "Basic auth over plain ws:// is not accepted",
        )
    if password.valid:
        return Decision(Outcome.ADMITTED, profile)
    if password is PasswordCheck.NONE_STORED:
        return refuse(
            Outcome.UNAUTHENTICATED,
            f"charge point {cp_id} uses security profile {int(profile)} but has no password: "
            f"set one with PUT /api/v1/charge-points/{cp_id}/credentials",
        )
    return refuse(
        Outcome.UNAUTHENTICATED,
        f"charge point {cp_id} uses security profile {int(profile)}: send HTTP Basic auth "
        f"with username {cp_id} and its password",
    )
