"""Network profiles over the in-memory adapters and a scripted station: the offer, what is
recorded, and the A05 upgrade applied only once the station connects with the new
security profile."""

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
from auth_svc.domain.network_profiles import NetworkOffer, ProfileStatus
from auth_svc.errors import InvalidRequest
from auth_svc.use_cases.credentials import CredentialUseCases
from auth_svc.use_cases.network_profiles import NetworkProfileUseCases
from servicekit.clock import FixedClock
from servicekit.edge_errors import StationCannot

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PASSWORD = "sixteen-chars-ok"
CONNECTION = {
    "ocppCsmsUrl": "wss://csms.example.com:4443/ocpp",
    "messageTimeout": 30,
    "securityProfile": 2,
    "ocppInterface": "Wired0",
    "vpn": {"server": "v", "user": "u", "password": "pw", "key": "k", "type": "IPSec"},
}


@dataclass
class ScriptedStations:
    answers: list[ProfileStatus | Exception] = field(default_factory=list)
    sent: list[tuple[str, int, Mapping[str, Any]]] = field(default_factory=list)

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
        raise AssertionError("not under test")

    async def set_network_profile(
        self, charge_point_id: str, slot: int, connection: Mapping[str, Any]
    ) -> ProfileStatus:
        self.sent.append((charge_point_id, slot, connection))
        answer = self.answers.pop(0) if self.answers else ProfileStatus.ACCEPTED
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class World:
    store: MemoryStore
    stations: ScriptedStations
    credentials: CredentialUseCases
    profiles: NetworkProfileUseCases


def world() -> World:
    store = MemoryStore()
    stations = ScriptedStations()
    clock = FixedClock(NOW)
    return World(
        store,
        stations,
        CredentialUseCases(store.unit_of_work, clock, stations, minimum_profile=0),
        NetworkProfileUseCases(store.unit_of_work, clock, stations),
    )


def _handshake(*, tls: bool, password: str | None = PASSWORD) -> Presented:
    basic = None if password is None else BasicCredentials("CP-1", password)
    return Presented("CP-1", basic, tls=tls, client_certificate_cn=None)


async def test_an_upgrade_is_applied_only_once_the_station_connects_with_it() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, PASSWORD)
    outcome = await w.profiles.offer("CP-1", NetworkOffer(2, SecurityProfile(2), CONNECTION))
    assert w.stations.sent == [("CP-1", 2, CONNECTION)]  # secrets go to the station
    assert outcome.profile.status is ProfileStatus.ACCEPTED
    assert "password" not in outcome.profile.connection["vpn"]  # ... but are not kept
    assert outcome.credentials is not None
    assert outcome.credentials.pending_security_profile is SecurityProfile.TLS_BASIC_AUTH
    view = await w.credentials.get("CP-1")
    assert (view.security_profile, view.pending_security_profile) == (1, 2)

    # Until it reconnects with the new profile, the old one is in force.
    old_way = await w.credentials.authenticate(_handshake(tls=False))
    assert old_way.outcome is Outcome.ADMITTED
    assert (await w.credentials.get("CP-1")).security_profile is SecurityProfile.BASIC_AUTH

    # It reconnects over TLS with its password: profile 2 is its profile now...
    new_way = await w.credentials.authenticate(_handshake(tls=True))
    assert (new_way.outcome, new_way.security_profile) == (Outcome.ADMITTED, 2)
    view = await w.credentials.get("CP-1")
    assert (view.security_profile, view.pending_security_profile) == (2, None)
    # ... and the lower one is refused from then on.
    refused = await w.credentials.authenticate(_handshake(tls=False))
    assert refused.outcome is Outcome.FORBIDDEN


async def test_a_rejected_profile_is_recorded_and_changes_nothing() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, PASSWORD)
    w.stations.answers.append(ProfileStatus.REJECTED)
    outcome = await w.profiles.offer("CP-1", NetworkOffer(9, SecurityProfile(2), CONNECTION))
    assert outcome.profile.status is ProfileStatus.REJECTED
    assert (await w.credentials.get("CP-1")).pending_security_profile is None
    (listed,) = await w.profiles.list("CP-1")
    assert (listed.configuration_slot, listed.status) == (9, ProfileStatus.REJECTED)


async def test_a_later_offer_replaces_the_slot() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, PASSWORD)
    await w.profiles.offer("CP-1", NetworkOffer(2, SecurityProfile(1), {"securityProfile": 1}))
    await w.profiles.offer("CP-1", NetworkOffer(1, SecurityProfile(2), CONNECTION))
    await w.profiles.offer("CP-1", NetworkOffer(2, SecurityProfile(2), CONNECTION))
    listed = await w.profiles.list("CP-1")
    assert [(p.configuration_slot, int(p.security_profile)) for p in listed] == [(1, 2), (2, 2)]


async def test_an_offer_the_csms_refuses_is_never_sent() -> None:
    w = world()
    await w.credentials.set("CP-1", 2, PASSWORD)
    with pytest.raises(InvalidRequest, match="never lowered"):
        await w.profiles.offer("CP-1", NetworkOffer(1, SecurityProfile(1), CONNECTION))
    assert w.stations.sent == []
    assert await w.profiles.list("CP-1") == []


async def test_the_stations_error_passes_through_and_nothing_is_recorded() -> None:
    w = world()
    await w.credentials.set("CP-1", 1, PASSWORD)
    w.stations.answers.append(StationCannot("CP-1", "OCPP 1.6 has no SetNetworkProfile"))
    with pytest.raises(StationCannot):
        await w.profiles.offer("CP-1", NetworkOffer(2, SecurityProfile(2), CONNECTION))
    assert await w.profiles.list("CP-1") == []
    assert (await w.credentials.get("CP-1")).pending_security_profile is None
