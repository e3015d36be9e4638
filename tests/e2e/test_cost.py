"""The running total cost an operator shows a driver (OCPP 2.x CostUpdated, I02): REST
through Envoy -> edge -> a staying `csms-sim` 2.0.1 or 2.1 station, which shows it for
the transaction the CSMS named by its own id; a 1.6 station has no such message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.stations import StayingStation, staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["2.0.1", "2.1"])
def station(request: pytest.FixtureRequest, system: System) -> Iterator[StayingStation]:
    version = str(request.param)
    with staying_station(system, f"COST-{version}", version) as running:
        yield running


def _post(system: System, station: str, path: str, body: dict[str, Any]) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/{station}/{path}"
    return httpx.post(url, json=body, timeout=40)


def _active(system: System, station: str) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{system.api}/transactions", params={"chargePointId": station, "status": "ACTIVE"}
    )
    return list(reply.json()["transactions"])


def test_the_station_shows_the_running_cost_of_its_transaction(
    system: System, station: StayingStation
) -> None:
    name = station.charge_point_id
    started = _post(system, name, "remote-start", {"idTag": "DEMO-TAG-001", "evseId": 1})
    assert started.json()["status"] == "ACCEPTED", started.text
    (transaction,) = eventually(lambda: _active(system, name) or None, what="the transaction")

    reply = _post(system, name, "cost", {"transactionId": transaction["id"], "totalCost": "3.41"})

    assert reply.status_code == 200, reply.text
    assert reply.json() == {}
    eventually(lambda: "<- CostUpdated" in station.log(), what="the station to hear it")
    line = next(line for line in station.log().splitlines() if "<- CostUpdated" in line)
    assert "totalCost=3.41" in line and "shown: 3.41" in line, line
    stopped = _post(system, name, "remote-stop", {"transactionId": transaction["id"]})
    assert stopped.json()["status"] == "ACCEPTED", stopped.text
    eventually(lambda: not _active(system, name), what="the transaction to end")


@pytest.mark.parametrize(
    ("cost", "says"),
    [("12,5", "decimal amount"), ("-1", "from 0"), ("1.1234567", "decimal places"), ("", "")],
)
def test_a_cost_that_is_not_an_amount_is_refused_before_it_is_sent(
    system: System, station: StayingStation, cost: str, says: str
) -> None:
    name = station.charge_point_id
    sent_before = station.log().count("<- CostUpdated")
    # A transaction of this station: the one the previous test ran, now completed.
    transactions = httpx.get(f"{system.api}/transactions", params={"chargePointId": name}).json()[
        "transactions"
    ]
    body = {"transactionId": transactions[0]["id"], "totalCost": cost}

    reply = _post(system, name, "cost", body)

    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == 3
    assert says in reply.json()["message"]
    assert station.log().count("<- CostUpdated") == sent_before


def test_an_unknown_transaction_is_not_found(system: System, station: StayingStation) -> None:
    reply = _post(
        system, station.charge_point_id, "cost", {"transactionId": 999999, "totalCost": "1"}
    )
    assert reply.status_code == 404, reply.text
    assert "999999" in reply.json()["message"]


def test_a_1_6_station_has_no_running_cost_message(system: System) -> None:
    with staying_station(system, "COST-16", "1.6"):
        reply = _post(system, "COST-16", "cost", {"transactionId": 1, "totalCost": "1"})
    assert reply.status_code == 501, reply.text
    assert "1.6" in reply.json()["message"]
