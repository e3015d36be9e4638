"""The local list rules, without storage: entries, authorizations sent, update types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth_svc.domain.id_tag import AuthorizationStatus, IdTag
from auth_svc.domain.local_list import (
    ListEntry,
    LocalAuthorization,
    Member,
    UpdateEntry,
    UpdateType,
    build_update,
    local_authorization,
    needs_new_version,
    update_type_for,
)
from auth_svc.errors import NoListBase

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
A = AuthorizationStatus
FULL, DIFF = UpdateType.FULL, UpdateType.DIFFERENTIAL


def tag(id_tag: str, status: AuthorizationStatus = A.ACCEPTED, **changes: object) -> IdTag:
    values: dict[str, object] = {
        "id_tag": id_tag,
        "status": status,
        "expires_at": None,
        "parent_id_tag": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return IdTag(**(values | changes))  # type: ignore[arg-type]


def test_entry_history() -> None:
    entry = ListEntry("A", 1, 1)
    assert entry.is_member
    assert entry.changed(4) == ListEntry("A", 1, 4)
    removed = entry.changed(4).removed(6)
    assert removed == ListEntry("A", 1, 6, 6)
    assert not removed.is_member


def test_what_changes_the_version() -> None:
    before = tag("A", parent_id_tag="P")
    assert not needs_new_version(before, tag("A", parent_id_tag="P", updated_at=NOW + timedelta(1)))
    assert needs_new_version(before, tag("A", A.BLOCKED, parent_id_tag="P"))
    assert needs_new_version(before, tag("A", parent_id_tag="Q"))
    assert needs_new_version(before, tag("A", parent_id_tag="P", expires_at=NOW))
    # A 2.x station holds the token with its type: a new type is a change it must learn.
    assert needs_new_version(before, tag("A", parent_id_tag="P", id_token_type="eMAID"))


def test_the_authorization_a_station_holds_is_the_standing_now() -> None:
    expiry = NOW + timedelta(days=1)
    assert local_authorization(tag("A", expires_at=expiry, parent_id_tag="P"), NOW) == (
        LocalAuthorization(A.ACCEPTED, expiry, "P")
    )
    past = NOW - timedelta(seconds=1)
    assert local_authorization(tag("A", expires_at=past), NOW).status is A.EXPIRED
    assert local_authorization(tag("A", A.BLOCKED, expires_at=past), NOW).status is A.BLOCKED
    assert local_authorization(tag("A", A.INVALID), NOW).status is A.INVALID


def test_a_differential_update_needs_a_version_the_station_accepted() -> None:
    assert update_type_for(FULL, 3, 5, "CP-1") is FULL
    assert update_type_for(FULL, None, 5, "CP-1") is FULL
    assert update_type_for(DIFF, 3, 5, "CP-1") is DIFF
    assert update_type_for(DIFF, 5, 5, "CP-1") is DIFF


def test_a_differential_update_without_a_base_is_refused_not_sent_in_full() -> None:
    # Sent in full it would replace the station's list, and wipe it when the CSMS's is empty.
    with pytest.raises(NoListBase, match="no version of the local list is on record"):
        update_type_for(DIFF, None, 5, "CP-1")
    # A station ahead of the CSMS (its database was reset).
    with pytest.raises(NoListBase, match="version 9, newer than the CSMS's list"):
        update_type_for(DIFF, 9, 5, "CP-1")


def test_a_full_update_carries_every_member_with_its_authorization() -> None:
    members = [
        Member(ListEntry("B", 2, 2), tag("B", A.BLOCKED)),
        Member(ListEntry("A", 1, 1), tag("A")),
        Member(ListEntry("C", 1, 3, 3), tag("C")),
    ]
    update = build_update(FULL, 7, members, NOW)
    assert (update.version, update.update_type) == (7, FULL)
    assert update.entries == (
        UpdateEntry("A", LocalAuthorization(A.ACCEPTED, None, None)),
        UpdateEntry("B", LocalAuthorization(A.BLOCKED, None, None)),
    )


def test_a_differential_update_removes_without_authorization() -> None:
    members = [
        Member(ListEntry("A", 1, 4), tag("A", A.BLOCKED)),
        Member(ListEntry("C", 1, 5, 5), tag("C")),
    ]
    update = build_update(DIFF, 5, members, NOW)
    assert update.entries == (
        UpdateEntry("A", LocalAuthorization(A.BLOCKED, None, None)),
        UpdateEntry("C", None),
    )
