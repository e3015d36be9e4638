"""The local authorization list and the rules that turn it into updates for stations.
Pure: no I/O, no SQLAlchemy, no protobuf.

OCPP 1.6 §3.5.2 / §5.15 SendLocalList and 2.0.1 D01: a station keeps a list of identifiers
it may authorize offline, with a version number. The CSMS keeps one list for all stations;
every change of the list (a member added or removed, or a member's status, expiry or parent
changed) gives it a new version. A station that accepted version V has exactly the list as
of V, so a differential update carries the entries changed after V and a full update every
member.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from auth_svc.domain.id_tag import AuthorizationStatus, IdTag, standing
from auth_svc.errors import NoListBase
from servicekit.ocpp_vocabulary import DEFAULT_ID_TOKEN_TYPE


class UpdateType(enum.Enum):
    """How a list is sent (1.6 §7.44 UpdateType, 2.0.1 UpdateEnumType)."""

    FULL = "FULL"
    DIFFERENTIAL = "DIFFERENTIAL"


class UpdateStatus(enum.Enum):
    """The station's answer (1.6 §7.45 UpdateStatus, 2.0.1 SendLocalListStatusEnumType)."""

    ACCEPTED = "ACCEPTED"
    FAILED = "FAILED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    VERSION_MISMATCH = "VERSION_MISMATCH"


@dataclass(frozen=True)
class ListEntry:
    """One identifier's history in the list, by list version. A removed member keeps its
    entry (with ``removed_version``) so that differential updates can tell stations to
    remove it."""

    id_tag: str
    # The version at which it (last) joined the list.
    added_version: int
    # The version of its last change: joining, leaving, or its authorization changing.
    changed_version: int
    removed_version: int | None = None

    @property
    def is_member(self) -> bool:
        return self.removed_version is None

    def changed(self, version: int) -> ListEntry:
        """This member once its status, expiry or parent changed at ``version``."""
        return replace(self, changed_version=version)

    def removed(self, version: int) -> ListEntry:
        return replace(self, changed_version=version, removed_version=version)


@dataclass(frozen=True)
class Member:
    """An entry with its stored identifier (the identifier outlives its membership)."""

    entry: ListEntry
    tag: IdTag


@dataclass(frozen=True)
class LocalList:
    """The list as operators see it: its version and its members, in id_tag order."""

    version: int
    members: tuple[IdTag, ...]


@dataclass(frozen=True)
class LocalAuthorization:
    """What a station stores for one identifier (1.6 IdTagInfo inside AuthorizationData,
    2.0.1 IdTokenInfoType)."""

    status: AuthorizationStatus
    expires_at: datetime | None
    parent_id_tag: str | None


@dataclass(frozen=True)
class UpdateEntry:
    """One entry of an update; without authorization it removes the identifier (only in
    a differential update: 1.6 §6.45 SendLocalList.req, 2.0.1 D01.FR.16)."""

    id_tag: str
    authorization: LocalAuthorization | None
    # The 2.x IdTokenEnumType the station is to read id_tag as.
    id_token_type: str = DEFAULT_ID_TOKEN_TYPE


@dataclass(frozen=True)
class ListUpdate:
    """What is sent to a station: the list's version and the entries."""

    version: int
    update_type: UpdateType
    entries: tuple[UpdateEntry, ...]


@dataclass(frozen=True)
class SendOutcome:
    status: UpdateStatus
    version: int
    update_type: UpdateType
    entries_sent: int


def needs_new_version(before: IdTag, after: IdTag) -> bool:
    """Whether replacing a member's identifier changes what stations hold about it (a 2.x
    station holds its type too)."""
    return (before.status, before.expires_at, before.parent_id_tag, before.id_token_type) != (
        after.status,
        after.expires_at,
        after.parent_id_tag,
        after.id_token_type,
    )


def local_authorization(tag: IdTag, now: datetime) -> LocalAuthorization:
    """The stored identifier as a station should hold it: its standing at ``now``, so that a
    tag past its expiry date is sent EXPIRED (and a blocked one BLOCKED)."""
    return LocalAuthorization(standing(tag, now), tag.expires_at, tag.parent_id_tag)


def update_type_for(
    requested: UpdateType, accepted_version: int | None, version: int, charge_point_id: str
) -> UpdateType:
    """The update type to send: the one requested, never another.

    A differential update needs a base: the version the station last accepted (1.6 §5.15,
    2.0.1 D01.FR.05: a differential update only changes the station's list). Without a
    record of one (or with one the CSMS never reached: its database was reset) no
    differential update can be built, and turning it into a full one would replace the
    station's list with the CSMS's, wiping it when the CSMS's list is empty: that is
    :class:`NoListBase`, for the operator to send a FULL update knowingly.
    """
    if requested is UpdateType.DIFFERENTIAL and (
        accepted_version is None or accepted_version > version
    ):
        raise NoListBase(charge_point_id, accepted_version, version)
    return requested


def build_update(
    update_type: UpdateType, version: int, members: Sequence[Member], now: datetime
) -> ListUpdate:
    """The update of ``update_type`` from ``members``: for FULL the current members, for
    DIFFERENTIAL the entries changed after the station's version (already selected by the
    caller), those removed without authorization."""
    entries = tuple(
        UpdateEntry(
            m.tag.id_tag,
            local_authorization(m.tag, now) if m.entry.is_member else None,
            m.tag.id_token_type,
        )
        for m in sorted(members, key=lambda m: m.tag.id_tag)
        if update_type is UpdateType.DIFFERENTIAL or m.entry.is_member
    )
    return ListUpdate(version, update_type, entries)
