"""OCPP 2.0.1 and 2.1 stations end to end through Envoy: their sessions stored as the same
transactions as 1.6, the pending admission flow with the base report, 1.6/2.0.1/2.1 at once,
and operations sent to a 2.0.1 station. All but the pending flow on both topologies
(tests/e2e/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.system import System, running_system
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.topologies]


def _sim(
    system: System, station: str, version: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            station,
            version,
            system.ocpp_url,
            "--interval",
            "0.2",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def _completed(system: System, station: str) -> dict[str, Any]:
    reply = httpx.get(f"{system.api}/transactions", params={"chargePointId": station})
    (transaction,) = reply.json()["transactions"]
    return dict(transaction)


@pytest.mark.parametrize(("station", "version"), [("SIM201", "2.0.1"), ("SIM21", "2.1")])
def test_a_2x_session_is_stored_like_any_other(system: System, station: str, version: str) -> None:
    result = _sim(system, station, version)
    assert result.returncode == 0, result.stdout + result.stderr + system.log()
    transaction = _completed(system, station)
    assert transaction["status"] == "COMPLETED"
    assert transaction["ocppVersion"] == version
    assert transaction["stationTransactionId"]
    assert transaction["stationTransactionId"] in result.stdout
    assert transaction["idTag"] == "DEMO-TAG-001"
    assert transaction["energyWh"] > 0
    assert transaction["stopReason"] == "LOCAL"
    detail = httpx.get(f"{system.api}/transactions/{transaction['id']}").json()
    assert detail["meterValues"]
    cp = httpx.get(f"{system.api}/charge-points/{station}").json()
    assert cp["ocppVersion"] == version
    assert cp["registrationStatus"] == "ACCEPTED"


def test_mixed_versions_at_once(system: System) -> None:
    stations = (("MIX16", "1.6"), ("MIX201", "2.0.1"), ("MIX21", "2.1"))
    # Each station its own id tag: one tag in three transactions at once is ConcurrentTx.
    for station, _version in stations:
        created = httpx.post(
            f"{system.api_gateway}/api/v1/id-tags", json={"idTag": f"TAG-{station}"}
        )
        assert created.status_code == 200, created.text
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                station,
                version,
                system.ocpp_url,
                "--interval",
                "0.2",
                "--id-tag",
                f"TAG-{station}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for station, version in stations
    ]
    for run in runs:
        output, _ = run.communicate(timeout=90)
        assert run.returncode == 0, output
    versions = {s: _completed(system, s)["ocppVersion"] for s in ("MIX16", "MIX201", "MIX21")}
    assert versions == {"MIX16": "1.6", "MIX201": "2.0.1", "MIX21": "2.1"}


@pytest.fixture(scope="module")
def pending_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(
        tmp_path_factory.mktemp("pending"), CSMS_ADMISSION_POLICY="pending"
    ) as running:
        yield running


def test_pending_station_is_accepted_after_its_base_report(pending_system: System) -> None:
    result = _sim(pending_system, "NEW201", "2.0.1")
    assert result.returncode == 0, result.stdout + result.stderr + pending_system.log()
    assert "Pending" in result.stdout
    cp = httpx.get(f"{pending_system.api}/charge-points/NEW201").json()
    assert cp["registrationStatus"] == "ACCEPTED"
    model = httpx.get(
        f"{pending_system.api_gateway}/api/v1/charge-points/NEW201/device-model"
    ).json()
    assert model["reportedAt"]
    names = {(v["component"], v["variable"]) for v in model["variables"]}
    assert ("OCPPCommCtrlr", "HeartbeatInterval") in names
    assert _completed(pending_system, "NEW201")["status"] == "COMPLETED"


@pytest.fixture(scope="module")
def station201(system: System) -> Iterator[subprocess.Popen[bytes]]:
    log_path: Path = system.output.parent / "sim201.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "OPS-201",
            "2.0.1",
            system.ocpp_url,
            "--stay",
            "--interval",
            "0.2",
            "--meter-values",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eventually(lambda: "staying connected" in log_path.read_text(), what="OPS-201 to settle")
    yield process
    process.terminate()
    process.wait(10)
    log.close()


def _op(system: System, method: str, path: str, **kwargs: Any) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/OPS-201/{path}"
    return httpx.request(method, url, timeout=40, **kwargs)


def test_operations_on_a_201_station(system: System, station201: Any) -> None:
    started = _op(system, "POST", "remote-start", json={"idTag": "DEMO-TAG-001", "evseId": 1})
    assert started.json()["status"] == "ACCEPTED", started.text

    def active() -> list[dict[str, Any]]:
        reply = httpx.get(
            f"{system.api}/transactions", params={"chargePointId": "OPS-201", "status": "ACTIVE"}
        )
        return list(reply.json()["transactions"])

    # An empty list is an answer to eventually(); None makes it ask again.
    (transaction,) = eventually(
        lambda: active() or None, what="the remote start's TransactionEvent Started"
    )
    status = _op(system, "GET", "transaction-status", params={"transactionId": transaction["id"]})
    assert status.json()["ongoing"] is True, status.text
    stopped = _op(system, "POST", "remote-stop", json={"transactionId": transaction["id"]})
    assert stopped.json()["status"] == "ACCEPTED", stopped.text
    eventually(lambda: not active(), what="the remote stop's TransactionEvent Ended")

    read = _op(
        system,
        "GET",
        "configuration",
        params={"keys": ["OCPPCommCtrlr.HeartbeatInterval", "No.Such"]},
    )
    body = read.json()
    assert [k["key"] for k in body["configurationKeys"]] == ["OCPPCommCtrlr.HeartbeatInterval"], (
        body
    )
    assert body["unknownKeys"] == ["No.Such"]
    changed = _op(
        system, "PUT", "configuration/OCPPCommCtrlr.HeartbeatInterval", json={"value": "90"}
    )
    assert changed.json()["status"] == "ACCEPTED", changed.text

    report = _op(system, "POST", "report", json={"base": "FULL_INVENTORY"})
    assert report.json()["status"] == "Accepted", report.text
    eventually(
        lambda: (
            httpx.get(f"{system.api_gateway}/api/v1/charge-points/OPS-201/device-model")
            .json()
            .get("variables")
        ),
        what="the report's NotifyReport parts",
    )
    filtered = _op(
        system, "POST", "report", json={"componentVariables": ["OCPPCommCtrlr.HeartbeatInterval"]}
    )
    assert filtered.json()["status"] == "Accepted", filtered.text
    assert _op(system, "POST", "reset", json={"type": "SOFT"}).json()["status"] == "ACCEPTED"


def test_an_operation_without_a_2x_equivalent_says_so(system: System, station201: Any) -> None:
    # 1.6 GetConfiguration without keys returns every key; 2.x GetVariables has no such form.
    # (The station may still be reconnecting after the previous test's Reset: 404 until then.)
    reply = eventually(
        lambda: (r := _op(system, "GET", "configuration")).status_code != 404 and r,
        what="OPS-201 to be connected again",
    )
    assert reply.status_code == 400
    assert "GetReport" in reply.json()["message"]
