"""The fleet page's queries through Envoy (issue 14): registered and simulated stations,
filtered and paged with their count, the fleet summary, the transactions' filters, and a
JSON 400 naming the field for a bad filter value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.stations import staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

REGISTERED = ["FLEET-R1", "FLEET-R2", "FLEET-R3", "FLEET-R4"]
SIMULATED = {"FLEET-S16": "1.6", "FLEET-S201": "2.0.1"}


@pytest.fixture(scope="module")
def fleet(system: System) -> Iterator[System]:
    """Four stations registered (one Pending) that never connected, and a 1.6 and a 2.0.1
    simulated station that stay connected after their charging session."""
    for cp_id in REGISTERED:
        status = "PENDING" if cp_id == "FLEET-R4" else "ACCEPTED"
        created = httpx.post(
            f"{system.api_gateway}/api/v1/charge-points",
            json={"id": cp_id, "registrationStatus": status},
        )
        assert created.status_code == 200, created.text
    with (
        staying_station(system, "FLEET-S16", "1.6"),
        staying_station(system, "FLEET-S201", "2.0.1"),
    ):
        yield system


def _get(system: System, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{system.api_gateway}/api/v1/{path}", params=params, timeout=10)


def _ids(system: System, **params: Any) -> tuple[list[str], int]:
    """Every page of the listing, following nextPageToken with the same filters."""
    ids: list[str] = []
    token = ""
    totals = set()
    while True:
        reply = _get(system, "charge-points", pageSize=2, pageToken=token, **params)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        ids += [cp["id"] for cp in body["chargePoints"]]
        totals.add(body["totalSize"])
        token = body["nextPageToken"]
        if not token:
            break
    (total,) = totals
    return ids, total


def test_filters_page_and_count(fleet: System) -> None:
    everyone = sorted(REGISTERED + list(SIMULATED))
    assert _ids(fleet, query="fleet-") == (everyone, 6)
    assert _ids(fleet, query="FLEET", ocppVersion="2.0.1") == (["FLEET-S201"], 1)
    assert _ids(fleet, query="FLEET", vendor="csms") == (sorted(SIMULATED), 2)
    assert _ids(fleet, query="FLEET", registrationStatus="PENDING") == (["FLEET-R4"], 1)
    # The simulator reports its connectors Available once its session is over.
    eventually(
        lambda: _ids(fleet, query="FLEET", connectorStatus="AVAILABLE")[0] == sorted(SIMULATED),
        within=30,
        what="both simulated stations to have an Available connector",
    )
    assert _ids(fleet, query="FLEET", connectorStatus="FAULTED") == ([], 0)


def test_the_summary_counts_the_fleet(fleet: System) -> None:
    reply = _get(fleet, "fleet/summary")
    assert reply.status_code == 200, reply.text
    summary = reply.json()
    assert summary["totalStations"] >= 6
    assert summary["stationsByRegistrationStatus"]["PENDING"] >= 1
    assert summary["stationsByOcppVersion"]["1.6"] >= 1
    assert summary["stationsByOcppVersion"]["2.0.1"] >= 1
    assert summary["stationsNeverBooted"] >= 4
    assert set(summary["stationsByWorstStatus"]) >= {"AVAILABLE", "FAULTED", "STATUS_UNSPECIFIED"}
    assert summary["stationsByWorstStatus"]["STATUS_UNSPECIFIED"] >= 4
    assert summary["connectorsByStatus"]["AVAILABLE"] >= 1
    assert summary["lastStatusChangeAt"].endswith("Z")
    assert {"value": "CSMS", "count": summary["vendors"][0]["count"]} in summary["vendors"]
    assert any(model["value"] == "csms-sim" for model in summary["models"])


def test_transactions_by_id_tag_and_start(fleet: System) -> None:
    def tagged() -> dict[str, Any] | None:
        body: dict[str, Any] = _get(
            fleet, "transactions", chargePointId="FLEET-S16", idTag="DEMO-TAG-001"
        ).json()
        return body if body["totalSize"] >= 1 else None

    body = eventually(tagged, within=30, what="FLEET-S16's transaction")
    assert {t["idTag"] for t in body["transactions"]} == {"DEMO-TAG-001"}
    started = body["transactions"][0]["startedAt"]
    after = _get(fleet, "transactions", chargePointId="FLEET-S16", startedAfter=started).json()
    assert after["totalSize"] >= 1
    before = _get(fleet, "transactions", chargePointId="FLEET-S16", startedBefore=started)
    assert before.json()["totalSize"] == 0
    assert _get(fleet, "transactions", idTag="NO-SUCH-TAG").json()["totalSize"] == 0


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("charge-points", {"ocppVersion": "1.5"}, "ocpp_version"),
        ("charge-points", {"pageSize": -1}, "page_size"),
        ("charge-points", {"connectorStatus": "BROKEN"}, "connector"),
        ("charge-points", {"vendor": "csms", "pageToken": "RkxFRVQtUjE="}, "page_token"),
        ("transactions", {"startedAfter": "yesterday"}, "started"),
        (
            "transactions",
            {"startedAfter": "2026-02-01T00:00:00Z", "startedBefore": "2026-01-01T00:00:00Z"},
            "started_before",
        ),
    ],
)
def test_bad_filter_values_are_a_json_400_naming_the_field(
    fleet: System, path: str, params: dict[str, Any], named: str
) -> None:
    reply = _get(fleet, path, **params)
    assert reply.status_code == 400, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert body["code"] == 3
    assert named.lower() in body["message"].lower(), body
