"""The simulated station's local list, without sockets: full and differential updates and
the list as its log shows it."""

from __future__ import annotations

import pytest

from simulator.local_list import LocalList

pytestmark = pytest.mark.unit


def entry(id_tag: str, status: str | None = "Accepted") -> dict[str, object]:
    return {"id_tag": id_tag, "id_tag_info": None if status is None else {"status": status}}


def update(local_list: LocalList, kind: str, version: int, *entries: dict[str, object]) -> str:
    return str(local_list.update(kind, version, list(entries), max_per_message=10, max_length=10))


def test_a_differential_update_changes_the_list_and_a_full_one_replaces_it() -> None:
    local_list = LocalList()
    assert local_list.shown() == "version=0 []"
    assert update(local_list, "Full", 1, entry("A"), entry("B", "Blocked")) == "Accepted"
    assert local_list.shown() == "version=1 [A:Accepted, B:Blocked]"
    assert update(local_list, "Differential", 2, entry("B", None), entry("C")) == "Accepted"
    assert local_list.shown() == "version=2 [A:Accepted, C:Accepted]"
    # Not newer than what it holds: refused, the list unchanged.
    assert update(local_list, "Differential", 2, entry("D")) == "VersionMismatch"
    assert local_list.shown() == "version=2 [A:Accepted, C:Accepted]"
    assert update(local_list, "Full", 3) == "Accepted"
    assert local_list.shown() == "version=3 []"
