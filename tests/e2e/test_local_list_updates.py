"""The local authorization list as a station ends up holding it (OCPP 1.6 §5.15, 2.0.1 D01),
through REST via Envoy against ``csms-sim --stay`` 1.6 and 2.0.1: a differential update
changes the station's list and never replaces it (issue 13: a DIFFERENTIAL request went out
as an empty FULL update, wiping the station's list). The station's list is read from its
log, where csms-sim prints the list it holds after each SendLocalList."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.stations import StayingStation, staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

VERSIONS = ("1.6", "2.0.1")


@pytest.fixture(scope="module", params=VERSIONS)
def station(request: pytest.FixtureRequest, system: System) -> Iterator[StayingStation]:
    name = "LL-" + str(request.param).replace(".", "")
    with staying_station(system, name, str(request.param)) as running:
        yield running


def _api(system: System, station: StayingStation) -> str:
    return f"{system.api_gateway}/api/v1/charge-points/{station.charge_point_id}"


def _tag(system: System, id_tag: str, *, member: bool) -> None:
    created = httpx.post(f"{system.api_gateway}/api/v1/id-tags", json={"idTag": id_tag})
    assert created.status_code in (200, 409), created.text
    url = f"{system.api_gateway}/api/v1/local-list/{id_tag}"
    changed = httpx.put(url, json={}) if member else httpx.delete(url)
    assert changed.status_code == 200, changed.text


def _send(system: System, station: StayingStation, update_type: str) -> httpx.Response:
    return httpx.post(
        f"{_api(system, station)}/local-list", json={"updateType": update_type}, timeout=40
    )


def _station_list(station: StayingStation, version: int) -> str:
    """What the station says it holds after accepting ``version``."""
    marker = f"list version={version} ["

    def shown() -> str | None:
        lines = [line for line in station.log().splitlines() if marker in line]
        return lines[-1].split(marker, 1)[1].split("]", 1)[0] if lines else None

    return eventually(shown, what=f"{station.charge_point_id} to hold list version {version}")


def test_a_differential_update_changes_the_stations_list(
    system: System, station: StayingStation
) -> None:
    cp = station.charge_point_id
    first, second, third = f"{cp}-A", f"{cp}-B", f"{cp}-C"
    _tag(system, first, member=True)
    _tag(system, second, member=True)
    full = _send(system, station, "FULL").json()
    assert (full["status"], full["updateType"]) == ("ACCEPTED", "FULL"), full
    held = _station_list(station, full["version"])
    assert f"{first}:Accepted" in held and f"{second}:Accepted" in held, held

    _tag(system, second, member=False)
    _tag(system, third, member=True)
    differential = _send(system, station, "DIFFERENTIAL").json()
    assert differential == {
        "status": "ACCEPTED",
        "version": differential["version"],
        "updateType": "DIFFERENTIAL",
        # The removal of B and the addition of C, nothing else.
        "entriesSent": 2,
    }
    held = _station_list(station, differential["version"])
    assert f"{first}:Accepted" in held, f"the differential update wiped {first}: {held}"
    assert f"{third}:Accepted" in held, held
    assert f"{second}:" not in held, held
    version = httpx.get(f"{_api(system, station)}/local-list/version", timeout=40).json()
    assert version == {"version": differential["version"]}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_differential_update_without_a_base_is_refused_and_nothing_sent(
    system: System, version: str
) -> None:
    # A station the CSMS never sent a list to: a FULL update instead would replace its list.
    with staying_station(system, "LL-NEW-" + version.replace(".", ""), version) as fresh:
        sent_before = fresh.log().count("<- SendLocalList")
        refused = _send(system, fresh, "DIFFERENTIAL")
        assert refused.status_code == 400, refused.text
        body = refused.json()
        assert body["code"] == 9, body  # FAILED_PRECONDITION
        assert "send a FULL update first" in body["message"], body
        assert fresh.log().count("<- SendLocalList") == sent_before
        held = httpx.get(f"{_api(system, fresh)}/local-list/version", timeout=40).json()
        # The station still has no list (D02: 0, the proto3 default, is left out of JSON).
        assert held.get("version", 0) == 0, held


def test_a_2x_station_gets_each_token_with_its_type(
    system: System, station: StayingStation
) -> None:
    cp = station.charge_point_id
    contract = f"{cp}-EMAID"
    created = httpx.post(
        f"{system.api_gateway}/api/v1/id-tags", json={"idTag": contract, "idTokenType": "eMAID"}
    )
    assert created.json()["idTokenType"] == "eMAID", created.text
    added = httpx.put(f"{system.api_gateway}/api/v1/local-list/{contract}", json={})
    assert added.status_code == 200, added.text
    full = _send(system, station, "FULL").json()
    assert full["status"] == "ACCEPTED", full
    held = _station_list(station, full["version"])
    # 1.6 has no id token types; a 2.0.1 station holds the eMAID as one.
    expected = f"{contract}:Accepted" + ("/eMAID" if cp.endswith("201") else "")
    assert expected in held.split(", "), held


def test_an_id_tag_of_no_ocpp_type_is_refused(system: System, station: StayingStation) -> None:
    refused = httpx.post(
        f"{system.api_gateway}/api/v1/id-tags", json={"idTag": "TYPO-1", "idTokenType": "RFID"}
    )
    assert refused.status_code == 400, refused.text
    assert "id_token_type 'RFID' is not an OCPP id token type" in refused.json()["message"]
    assert httpx.get(f"{system.api_gateway}/api/v1/id-tags/TYPO-1").status_code == 404
