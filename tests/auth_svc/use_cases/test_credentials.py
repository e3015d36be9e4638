"""Charge point credentials over the in-memory adapters and scripted stations: setting
them, authenticating handshakes, and changing the password on the station too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from auth_svc.adapters.memory import MemoryStore
from auth_svc.domain.credentials import (
    BasicCredentials,
    Outcome,
    PasswordChangeStatus,
    Presented,
    SecurityProfile,
)
from auth_svc.domain.local_list import UpdateEntry, UpdateStatus, UpdateType
from auth_svc.domain.network_profiles import ProfileStatus
from auth_svc.errors import InvalidRequest, PasswordNotAccepted
from auth_svc.use_cases.credentials import CredentialUseCases
from servicekit.clock import FixedClock
from servicekit.edge_errors import StationDidNotAnswer, StationNotConnected, StationWentAway
from servicekit.errors import ServiceError

pytestmark = pytest.mark.unit


NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
OLD = "old-password-0001"
NEW = "new-password-0002"


@dataclass
class ScriptedStations:
    answers: list[PasswordChangeStatus | ServiceError] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)
    # What the store held while the station was being asked.
    store: MemoryStore | None = None
    seen_pending: list[bool] = field(default_factory=list)

    async def send_local_list(
        self,
        charge_point_id: str,
        version: int,
        update_type: UpdateType,
        entries: Sequence[UpdateEntry],
    ) -> UpdateStatus:
        raise AssertionError("not under test")

    async def set_basic_auth_password(
        self, charge_point_id: str, password: str
    ) -> PasswordChangeStatus:
        self.sent.append((charge_point_id, password))
        if self.store is not None:
            stored = self.store.credentials.get(charge_point_id)
            self.seen_pending.append(bool(stored and stored.pending_password_hash))
        answer = self.answers.pop(0) if self.answers else PasswordChangeStatus.ACCEPTED
        if isinstance(answer, ServiceError):
            raise answer
        return answer

    async def set_network_profile(
        self, charge_point_id: str, slot: int, connection: Mapping[str, Any]
    ) -> ProfileStatus:
        raise AssertionError("not under test")


@dataclass
class World:
    store: MemoryStore
    stations: ScriptedStations
    credentials: CredentialUseCases


def world(minimum: int = 0) -> World:
    store = MemoryStore()
    stations = ScriptedStations(store=store)
    return World(
        store,
        stations,
        CredentialUseCases(store.unit_of_work, FixedClock(NOW), stations, minimum_profile=minimum),
    )


def basic(password: str, *, tls: bool = False) -> Presented:
    return Presented("CP-1", BasicCredentials("CP-1", password), tls, None)


async def test_a_charge_point_never_configured_has_profile_0_raised_to_the_minimum() -> None:
    view = await world(minimum=1).credentials.get("CP-1")
    assert view.security_profile is SecurityProfile.NONE
    assert view.effective_security_profile is SecurityProfile.BASIC_AUTH
    assert (view.password_set, view.password_change_pending, view.updated_at) == (
        False,
        False,
        None,
    )


async def test_set_stores_a_hash_and_never_shows_the_password() -> None:
    w = world()
    view = await w.credentials.set("CP-1", 1, OLD)
    assert view.security_profile is SecurityProfile.BASIC_AUTH
    assert view.password_set and view.updated_at == NOW
    stored = w.store.credentials["CP-1"]
    assert stored.password_hash is not None and OLD not in stored.password_hash
    assert OLD not in repr(view)
    # The profile changes; the password stays when none is given.
    view = await w.credentials.set("CP-1", 2, "")
    assert view.security_profile is SecurityProfile.TLS_BASIC_AUTH and view.password_set
    assert w.store.credentials["CP-1"].password_hash == stored.password_hash


@pytest.mark.parametrize(
    ("cp_id", "profile", "password", "words"),
    [
        ("CP-1", 1, "", "security profile 1 authenticates with a password"),
        ("CP-1", 2, "", "security profile 2 authenticates with a password"),
        ("CP-1", 4, OLD, "security_profile 4 is not 0, 1, 2 or 3"),
        ("CP-1", 1, "short", "16 to 40 characters"),
        ("CP 1", 0, "", "is not valid"),
    ],
)
async def test_set_refuses(cp_id: str, profile: int, password: str, words: str) -> None:
    w = world()
    with pytest.raises(InvalidRequest, match=words):
        await w.credentials.set(cp_id, profile, password)
    assert w.store.credentials == {}


async def test_profile_3_needs_no_password() -> None:
    view = await world().credentials.set("CP-1", 3, "")
    assert view.security_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE
    assert not view.password_set


async def test_authenticate_checks_the_stored_hash() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, OLD)
    assert (await w.credentials.authenticate(basic(OLD))).outcome is Outcome.ADMITTED
    wrong = await w.credentials.authenticate(basic(NEW))
    assert (wrong.outcome, wrong.reason) == (
        Outcome.UNAUTHENTICATED,
        "wrong password for charge point CP-1",
    )


async def test_the_minimum_profile_applies_to_unconfigured_charge_points() -> None:
    decision = await world(minimum=2).credentials.authenticate(Presented("CP-9", None, True, None))
    assert decision.outcome is Outcome.UNAUTHENTICATED
    assert decision.security_profile is SecurityProfile.TLS_BASIC_AUTH
    assert "has no password" in decision.reason


async def test_a_password_change_the_station_accepts() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, OLD)
    view = await w.credentials.change_password("CP-1", NEW)
    assert w.stations.sent == [("CP-1", NEW)]
    # Pending while the station was asked, so a reconnection with it would already work.
    assert w.stations.seen_pending == [True]
    assert view.password_set and not view.password_change_pending
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.ADMITTED
    assert (await w.credentials.authenticate(basic(OLD))).outcome is Outcome.UNAUTHENTICATED


async def test_reboot_required_counts_as_accepted() -> None:
    w = world()
    w.stations.answers = [PasswordChangeStatus.REBOOT_REQUIRED]
    await w.credentials.change_password("CP-1", NEW)
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.ADMITTED


@pytest.mark.parametrize(
    "answer", [PasswordChangeStatus.REJECTED, PasswordChangeStatus.NOT_SUPPORTED]
)
async def test_a_password_the_station_refuses_is_dropped(answer: PasswordChangeStatus) -> None:
    w = world()
    await w.credentials.set("CP-1", 1, OLD)
    w.stations.answers = [answer]
    with pytest.raises(PasswordNotAccepted, match=f"answered {answer.name} to the new password"):
        await w.credentials.change_password("CP-1", NEW)
    assert (await w.credentials.get("CP-1")).password_change_pending is False
    assert (await w.credentials.authenticate(basic(OLD))).outcome is Outcome.ADMITTED
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.UNAUTHENTICATED


async def test_a_station_not_connected_keeps_its_password() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, OLD)
    w.stations.answers = [StationNotConnected("CP-1", "no session")]
    with pytest.raises(StationNotConnected):
        await w.credentials.change_password("CP-1", NEW)
    assert (await w.credentials.get("CP-1")).password_change_pending is False
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.UNAUTHENTICATED


@pytest.mark.parametrize(
    "unanswered",
    # A station that takes the new password may close its connection to reconnect with it
    # before answering (OCPP 2.0.1 A01): as unknown an outcome as no answer in time.
    [StationDidNotAnswer("CP-1", "30 s"), StationWentAway("CP-1", "closed after receiving")],
    ids=["no-answer", "went-away"],
)
async def test_without_an_answer_the_new_password_stays_pending_until_used(
    unanswered: StationDidNotAnswer,
) -> None:
    w = world()
    await w.credentials.set("CP-1", 1, OLD)
    w.stations.answers = [unanswered]
    with pytest.raises(type(unanswered)):
        await w.credentials.change_password("CP-1", NEW)
    assert (await w.credentials.get("CP-1")).password_change_pending is True
    # Both open a connection while it is unknown which one the station has...
    assert (await w.credentials.authenticate(basic(OLD))).outcome is Outcome.ADMITTED
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.ADMITTED
    # ...and the new one, once used, is the only one.
    assert (await w.credentials.get("CP-1")).password_change_pending is False
    assert (await w.credentials.authenticate(basic(OLD))).outcome is Outcome.UNAUTHENTICATED


async def test_a_new_password_set_by_an_operator_drops_a_pending_one() -> None:
    w = world()
    w.stations.answers = [StationDidNotAnswer("CP-1", "30 s")]
    with pytest.raises(StationDidNotAnswer):
        await w.credentials.change_password("CP-1", NEW)
    view = await w.credentials.set("CP-1", 1, OLD)
    assert not view.password_change_pending
    assert (await w.credentials.authenticate(basic(NEW))).outcome is Outcome.UNAUTHENTICATED


async def test_change_password_checks_the_password_before_sending() -> None:
    w = world()
    with pytest.raises(InvalidRequest, match="16 to 40"):
        await w.credentials.change_password("CP-1", "short")
    assert w.stations.sent == []
