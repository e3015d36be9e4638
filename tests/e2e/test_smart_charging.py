"""Smart charging as an operator sees it (OCPP 2.0.1 K09, K12, K15, K17): REST through
Envoy -> services and edge -> `csms-sim 2.0.1 --stay --iso15118 --external-limit` and back.
The station reports an EMS limit after boot; its EV states its needs when the transaction
starts; the CSMS answers with a TxProfile within the EV's and the site's limits (the EMS's
11 kW, below CSMS_SITE_LIMIT_W and the EV's 50 kW); the EV's own schedule is accepted; and
GetChargingProfiles makes the station report what it holds, which the CSMS keeps."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.stations import staying_station
from tests.support.system import System, running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

STATION = "SC-1"
EMS_LIMIT_W = 11_000
TX_PROFILE_ID = 900_000_001  # edge.v201.session.EV_OFFER_PROFILE_ID + EVSE 1


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("csms-smart"), CSMS_SITE_LIMIT_W="22000"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def station(system: System) -> Iterator[Path]:
    sim_log = system.output.parent / "sim.log"
    log = sim_log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            STATION,
            "2.0.1",
            system.ocpp_url,
            "--stay",
            "--iso15118",
            "--external-limit",
            str(EMS_LIMIT_W),
            # A transaction long enough to be running while the tests look at it.
            "--interval",
            "0.5",
            "--meter-values",
            "400",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eventually(
        lambda: "NotifyEVChargingSchedule" in sim_log.read_text(),
        within=60,
        what=f"{STATION} to start charging with its EV's needs",
    )
    yield sim_log
    process.terminate()
    process.wait(10)
    log.close()


def _api(system: System, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method, f"{system.api_gateway}/api/v1/charge-points/{path}", timeout=40, **kwargs
    )


def test_the_external_limit_is_kept(system: System, station: Path) -> None:
    reply = _api(system, "GET", f"{STATION}/charging-limits")
    assert reply.status_code == 200, reply.text
    (limit,) = reply.json()["limits"]
    assert (limit["source"], limit["limitW"]) == ("EMS", EMS_LIMIT_W)
    assert [period["limit"] for period in limit["schedule"]["periods"]] == [EMS_LIMIT_W]


def test_the_ev_gets_a_schedule_within_both_limits_and_its_own_is_accepted(
    system: System, station: Path
) -> None:
    def accepted() -> dict[str, Any] | None:
        needs = _api(system, "GET", f"{STATION}/ev-charging-needs").json().get("needs", [])
        return needs[0] if needs and needs[0].get("evScheduleAccepted") else None

    needs = eventually(accepted, what="the EV's schedule to be accepted")
    assert (needs["evseId"], needs["energyTransfer"], needs["energyWh"]) == (1, "DC", 20000)
    # 20 kWh at the EMS's 11 kW: the lowest of the EV's 50 kW, the EMS's and the site's 22 kW.
    assert [period["limit"] for period in needs["offered"]["periods"]] == [EMS_LIMIT_W]
    assert needs["offered"]["durationSeconds"] == 6546
    assert [period["limit"] for period in needs["evSchedule"]["periods"]] == [EMS_LIMIT_W]
    log = station.read_text()
    assert "<- SetChargingProfile" in log and "TxProfile" in log
    # Accepted, the TxProfile is among the profiles the station holds, before any report.
    held = _api(system, "GET", f"{STATION}/charging-profiles").json()["profiles"]
    assert [(p["evseId"], p["profile"]["id"], p["profile"]["purpose"]) for p in held] == [
        (1, TX_PROFILE_ID, "TX_PROFILE")
    ]


def test_the_station_reports_its_profiles_in_parts_and_the_csms_keeps_them(
    system: System, station: Path
) -> None:
    for evse_id, profile_id, purpose in (
        (1, 5, "TX_DEFAULT_PROFILE"),
        (0, 6, "CHARGE_POINT_MAX_PROFILE"),
    ):
        profile = {
            "id": profile_id,
            "stackLevel": 1,
            "purpose": purpose,
            "kind": "RELATIVE",
            "schedule": {"rateUnit": "A", "periods": [{"limit": 16}]},
        }
        reply = _api(
            system,
            "POST",
            f"{STATION}/charging-profiles",
            json={"evseId": evse_id, "chargingProfile": profile},
        )
        assert reply.json() == {"status": "ACCEPTED"}, reply.text

    reply = _api(system, "POST", f"{STATION}/charging-profiles/report", json={"requestId": 77})
    assert reply.json() == {"status": "ACCEPTED", "requestId": 77}, reply.text

    def held() -> list[tuple[int, int, str]] | None:
        profiles = _api(system, "GET", f"{STATION}/charging-profiles").json().get("profiles", [])
        found = [(p["evseId"], p["profile"]["id"], p["source"]) for p in profiles]
        return found if len(found) == 3 else None

    assert eventually(held, what="the reported profiles") == [
        (0, 6, "CSO"),
        (1, 5, "CSO"),
        (1, TX_PROFILE_ID, "CSO"),
    ]
    # Two EVSEs, at most two profiles a part: two parts, the first "to be continued".
    log = station.read_text()
    assert "requestId=77 evseId=0 1 profiles tbc=True" in log
    assert "requestId=77 evseId=1 2 profiles tbc=False" in log

    none = _api(system, "POST", f"{STATION}/charging-profiles/report", json={"sources": ["EMS"]})
    assert none.json()["status"] == "NO_PROFILES", none.text


def test_bad_requests_say_what_is_wrong(system: System, station: Path) -> None:
    reply = _api(system, "POST", f"{STATION}/charging-profiles/report", json={"evseId": -1})
    assert reply.status_code == 400
    assert "evse_id must be 0 (the whole station) or more" in reply.text
    reply = _api(system, "POST", f"{STATION}/charging-profiles/report", json={"profileIds": [0]})
    assert reply.status_code == 400 and "profile_ids" in reply.text
    reply = _api(system, "GET", "NOPE/charging-profiles")
    assert reply.status_code == 404 and "NOPE" in reply.text


def test_a_library_profile_applied_is_held_by_the_station(system: System, station: Path) -> None:
    library = f"{system.api_gateway}/api/v1/charging-profiles"
    profile = {
        "id": 12,
        "stackLevel": 3,
        "purpose": "TX_DEFAULT_PROFILE",
        "kind": "RELATIVE",
        "schedule": {"rateUnit": "W", "periods": [{"limit": 7400}]},
    }
    created = httpx.post(library, json={"name": "evening-7kW", "profile": profile}, timeout=40)
    assert created.status_code == 200, created.text
    assert httpx.get(f"{library}/evening-7kW").json()["profile"]["id"] == 12
    assert "evening-7kW" in [p["name"] for p in httpx.get(library).json()["profiles"]]

    reply = _api(
        system,
        "POST",
        f"{STATION}/charging-profiles/apply",
        json={"name": "evening-7kW", "evseId": 1},
    )
    assert reply.json() == {"status": "ACCEPTED"}, reply.text
    held = _api(system, "GET", f"{STATION}/charging-profiles").json()["profiles"]
    assert (1, 12) in [(p["evseId"], p["profile"]["id"]) for p in held]
    assert "<- SetChargingProfile evseId=1 chargingProfile={'id': 12" in station.read_text()

    # The station holds it: its own report says so too.
    report = _api(system, "POST", f"{STATION}/charging-profiles/report", json={"profileIds": [12]})
    assert report.json()["status"] == "ACCEPTED", report.text

    cleared = _api(system, "DELETE", f"{STATION}/charging-profiles/12")
    assert cleared.json() == {"status": "ACCEPTED"}, cleared.text
    held = _api(system, "GET", f"{STATION}/charging-profiles").json()["profiles"]
    assert 12 not in [p["profile"]["id"] for p in held]
    assert "<- ClearChargingProfile chargingProfileId=12 -> Accepted" in station.read_text()

    taken = httpx.post(library, json={"name": "evening-7kW", "profile": profile}, timeout=40)
    assert taken.status_code == 409 and "evening-7kW" in taken.text
    bad = httpx.post(library, json={"name": "no spaces", "profile": profile}, timeout=40)
    assert bad.status_code == 400 and "name 'no spaces'" in bad.text
    unknown = _api(system, "POST", f"{STATION}/charging-profiles/apply", json={"name": "nope"})
    assert unknown.status_code == 404 and "nope" in unknown.text
    assert httpx.delete(f"{library}/evening-7kW").status_code == 200
    assert httpx.get(f"{library}/evening-7kW").status_code == 404


def test_a_library_profile_reaches_a_1_6_station_too(system: System) -> None:
    library = f"{system.api_gateway}/api/v1/charging-profiles"
    profile = {
        "id": 21,
        "stackLevel": 1,
        "purpose": "TX_DEFAULT_PROFILE",
        "kind": "RELATIVE",
        "schedule": {"rateUnit": "A", "periods": [{"limit": 10}]},
    }
    assert httpx.post(library, json={"name": "ten-amps", "profile": profile}).status_code == 200
    # SC-1's transaction holds the demo tag; this station charges with its own.
    tag = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": "SMART-16"})
    assert tag.status_code == 200, tag.text
    with staying_station(
        system, "SC-16", "1.6", "--id-tag", "SMART-16", "--interval", "0.2", "--meter-values", "1"
    ) as cp:
        reply = _api(
            system, "POST", "SC-16/charging-profiles/apply", json={"name": "ten-amps", "evseId": 1}
        )
        assert reply.json() == {"status": "ACCEPTED"}, reply.text
        held = _api(system, "GET", "SC-16/charging-profiles").json()["profiles"]
        assert [(p["evseId"], p["profile"]["id"]) for p in held] == [(1, 21)]
        assert "SetChargingProfile" in cp.log()
        # 1.6 has no GetChargingProfiles: the operation says so.
        report = _api(system, "POST", "SC-16/charging-profiles/report", json={})
        assert report.status_code == 501 and "OCPP 1.6 has no GetChargingProfiles" in report.text
    reply = _api(system, "PUT", "SC-16/site-limit", json={"maxPowerW": -1})
    assert reply.status_code == 400 and "max_power_w" in reply.text
