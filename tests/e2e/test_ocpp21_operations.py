"""The 2.0.1 operations whose own end-to-end modules drive a 2.0.1 station, here against a
staying `csms-sim 2.1` (issue 13: each typed operation works for 2.1 stations too): smart
charging with an ISO 15118 EV and an external limit, signed firmware and its publication,
and a reservation by connector type. REST through Envoy -> services and edge -> the 2.1
station -> its answers and notifications, read back over REST."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.certificates import certificate_pem
from tests.support.system import System, running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

STATION = "OPS-21"
EMS_LIMIT_W = 11_000
CHECKSUM = "fedcba9876543210fedcba9876543210"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("csms-ocpp21"), CSMS_SITE_LIMIT_W="22000"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def station(system: System) -> Iterator[Path]:
    """A 2.1 station with two EVSEs (cType2, cCCS2) whose EV on EVSE 1 states its needs in
    a long transaction, limited by its energy management system to 11 kW."""
    sim_log = system.output.parent / "sim-21.log"
    with sim_log.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                STATION,
                "2.1",
                system.ocpp_url,
                "--stay",
                "--connectors",
                "2",
                "--iso15118",
                "--external-limit",
                str(EMS_LIMIT_W),
                "--interval",
                "0.5",
                "--meter-values",
                "400",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        eventually(
            lambda: "NotifyEVChargingSchedule" in sim_log.read_text(),
            within=60,
            what=f"{STATION} to start charging with its EV's needs",
        )
        yield sim_log
    finally:
        process.terminate()
        process.wait(10)


def _api(system: System, method: str, path: str, **kwargs: Any) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/{STATION}/{path}"
    return httpx.request(method, url, timeout=40, **kwargs)


def test_the_ev_of_a_21_station_gets_a_schedule_within_both_limits(
    system: System, station: Path
) -> None:
    def accepted() -> dict[str, Any] | None:
        needs = _api(system, "GET", "ev-charging-needs").json().get("needs", [])
        return needs[0] if needs and needs[0].get("evScheduleAccepted") else None

    needs = eventually(accepted, what="the EV's schedule to be accepted")
    # The lowest of the EV's power, the EMS's 11 kW and the site's 22 kW.
    assert [period["limit"] for period in needs["offered"]["periods"]] == [EMS_LIMIT_W]
    (limit,) = _api(system, "GET", "charging-limits").json()["limits"]
    assert (limit["source"], limit["limitW"]) == ("EMS", EMS_LIMIT_W)


def test_a_21_station_reports_the_profiles_it_holds(system: System, station: Path) -> None:
    profile = {
        "id": 31,
        "stackLevel": 2,
        "purpose": "TX_DEFAULT_PROFILE",
        "kind": "RELATIVE",
        "schedule": {"rateUnit": "W", "periods": [{"limit": 7400}]},
    }
    set_reply = _api(
        system, "POST", "charging-profiles", json={"evseId": 2, "chargingProfile": profile}
    )
    assert set_reply.json() == {"status": "ACCEPTED"}, set_reply.text
    reply = _api(system, "POST", "charging-profiles/report", json={"requestId": 91})
    assert reply.json() == {"status": "ACCEPTED", "requestId": 91}, reply.text

    def reported() -> list[tuple[int, int]] | None:
        held = _api(system, "GET", "charging-profiles").json().get("profiles", [])
        found = sorted((p["evseId"], p["profile"]["id"]) for p in held)
        return found if (2, 31) in found else None

    assert (2, 31) in eventually(reported, what="ReportChargingProfiles to be kept")


def test_a_signed_update_of_a_21_station_is_followed_to_installed(
    system: System, station: Path
) -> None:
    body = {
        "location": "https://firmware.example/v21.bin",
        "retrieveAt": datetime.now(UTC).isoformat(),
        "signingCertificate": certificate_pem(),
        "signature": "c2lnbmF0dXJl",
    }
    reply = _api(system, "POST", "firmware/signed", json=body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "Accepted"
    request_id = reply.json()["requestId"]

    def installed() -> dict[str, Any] | None:
        found = _api(system, "GET", "firmware-updates", params={"requestId": request_id})
        updates = found.json().get("updates", [])
        return updates[0] if updates and updates[0]["status"] == "Installed" else None

    update = eventually(installed, what="FirmwareStatusNotification Installed")
    assert [step["status"] for step in update["steps"]][-1] == "Installed"
    assert update["request"]["signed"] is True


def test_a_21_station_publishes_and_unpublishes_firmware(system: System, station: Path) -> None:
    body = {"location": "https://firmware.example/lc21.bin", "checksum": CHECKSUM}
    reply = _api(system, "POST", "firmware/publications", json=body)
    assert reply.json()["status"] == "Accepted", reply.text
    request_id = reply.json()["requestId"]

    def published() -> dict[str, Any] | None:
        found = _api(system, "GET", "firmware-publications", params={"requestId": request_id})
        publications = found.json().get("publications", [])
        return (
            publications[0] if publications and publications[0]["status"] == "Published" else None
        )

    publication = eventually(published, what="PublishFirmwareStatusNotification Published")
    assert publication["locations"], publication
    gone = _api(system, "DELETE", f"firmware/publications/{CHECKSUM}")
    assert gone.json() == {"status": "Unpublished"}, gone.text


def test_a_21_station_is_reserved_by_connector_type_and_cancelled(
    system: System, station: Path
) -> None:
    expires = (datetime.now(UTC) + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    reply = _api(
        system,
        "POST",
        "reservations",
        json={"idTag": "DEMO-TAG-001", "expiresAt": expires, "connectorType": "cCCS2"},
    )
    assert reply.status_code == 200, reply.text
    reserved = reply.json()
    assert (reserved["status"], reserved["stationStatus"]) == ("ACTIVE", "ACCEPTED"), reserved
    assert reserved["connectorType"] == "cCCS2"
    cancelled = httpx.delete(
        f"{system.api_gateway}/api/v1/reservations/{reserved['id']}", timeout=40
    )
    assert cancelled.json()["status"] == "CANCELLED", cancelled.text
