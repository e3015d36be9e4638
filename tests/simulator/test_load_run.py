"""``csms-sim load`` as a user runs it, in a subprocess: against the benchmark's baseline
CSMS, and against the whole system (``csms up``, through Envoy), where every charge
point's transaction must be stored."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.system import baseline, register_id_tags
from tests.support.system import running_system

# 20 charge points, everyone charging for two seconds with beats and samples every half.
RUN = [
    "--count", "20",
    "--ramp", "100",
    "--duration", "2",
    "--heartbeat-interval", "0.5",
    "--meter-interval", "0.5",
    "--progress-every", "0.5",
    "--json",
]  # fmt: skip


def load(url: str, *args: str) -> tuple[dict[str, Any], str]:
    """The summary and the progress output of ``csms-sim load URL ARGS``."""
    result = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "load", url, *RUN, *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary, result.stderr


def assert_everyone_charged_once(summary: dict[str, Any]) -> None:
    points = dict(summary["charge_points"])
    assert points.pop("last_boot_monotonic") is not None
    assert points == {
        "planned": 20,
        "booted": 20,
        "failed": 0,
        "finished": 20,
        "transactions_started": 20,
        "transactions_completed": 20,
    }
    assert summary["errors"] == {}
    assert summary["refusals"] == {}
    messages = summary["messages"]
    assert messages["sent"] == messages["answered"]
    assert summary["latency_ms"]["BootNotification"]["count"] == 20


@pytest.fixture(scope="module")
def baseline_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with baseline(tmp_path_factory.mktemp("baseline")) as running:
        yield running.ocpp_url


def test_a_mixed_fleet_against_the_baseline(baseline_url: str) -> None:
    summary, progress = load(baseline_url, "--mix", "1.6=50,2.0.1=50")
    assert_everyone_charged_once(summary)
    lines = progress.splitlines()
    assert lines, "no progress output"
    assert all(line.startswith("[") and "msgs/s" in line for line in lines)
    latency = summary["latency_ms"]
    assert latency["StartTransaction"]["count"] == latency["StopTransaction"]["count"] == 10
    assert latency["TransactionEvent"]["count"] >= 20  # Started and Ended at least


def test_the_text_summary_names_every_action(baseline_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "load", baseline_url,
         "--count", "3", "--ramp", "0", "--duration", "0.5", "--meter-interval", "0.2"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for word in ("BootNotification", "StartTransaction", "MeterValues", "StopTransaction"):
        assert word in result.stdout
    assert "errors: none" in result.stdout


@pytest.mark.e2e
def test_every_version_against_the_system(tmp_path: Path) -> None:
    with running_system(tmp_path / "csms") as system:
        # {id}: each charge point its own identifier, or they would be ConcurrentTx.
        plan = ["--mix", "1.6=40,2.0.1=30,2.1=30", "--prefix", "LT", "--id-tag", "{id}"]
        register_id_tags(system.grpc_address("auth"), [f"LT-{n:05d}" for n in range(1, 21)])
        summary, _ = load(system.ocpp_url, *plan)
        assert_everyone_charged_once(summary)
        reply = httpx.get(
            f"{system.api}/transactions", params={"status": "COMPLETED", "pageSize": 100}
        )
        stored = reply.json()["transactions"]
    assert sorted(t["chargePointId"] for t in stored) == [f"LT-{n:05d}" for n in range(1, 21)]
    versions = sorted({t["ocppVersion"] for t in stored})
    assert versions == ["1.6", "2.0.1", "2.1"]
