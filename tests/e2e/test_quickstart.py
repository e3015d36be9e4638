"""The README quick start, as a new user runs it: `csms up`, then `csms-sim SIM001 1.6`,
then the completed transaction over REST through Envoy; and the same on the production
topology (tests/e2e/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.support.system import System

pytestmark = [pytest.mark.e2e, pytest.mark.topologies]


def test_simulated_session_ends_in_a_completed_transaction(system: System) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "SIM001",
            "1.6",
            system.ocpp_url,
            "--interval",
            "0.2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr + system.log()

    listing = httpx.get(f"{system.api}/transactions", params={"chargePointId": "SIM001"})
    assert listing.status_code == 200, listing.text
    (transaction,) = listing.json()["transactions"]
    assert transaction["status"] == "COMPLETED"
    assert transaction["idTag"] == "DEMO-TAG-001"
    assert transaction["authorizationStatus"] == "ACCEPTED"
    assert transaction["stopReason"] == "LOCAL"
    assert transaction["energyWh"] > 0
    assert transaction["energyWh"] == transaction["meterStopWh"] - transaction["meterStartWh"]
    assert str(transaction["id"]) in result.stdout

    detail = httpx.get(f"{system.api}/transactions/{transaction['id']}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["meterValues"], "meter values were not stored"

    station = httpx.get(f"{system.api}/charge-points/SIM001").json()
    assert station["registrationStatus"] == "ACCEPTED"
    assert station["ocppVersion"] == "1.6"
    assert station["vendor"]
    assert station["lastSeenAt"]
    statuses = {(c["evseId"], c["connectorId"]): c["status"] for c in station["connectors"]}
    assert statuses[(1, 1)] == "AVAILABLE"


def test_health_endpoints_answer_through_envoy(system: System) -> None:
    chargepoint = httpx.get(f"{system.api}/health")
    assert chargepoint.status_code == 200
    assert chargepoint.json()["status"] == "SERVING"
    assert chargepoint.json()["component"] == "chargepoint"
    edge = httpx.get(f"{system.gateway}/health")
    assert edge.status_code == 200
    assert edge.json()["component"] == "edge"
