"""Log requests, customer information and display messages as an operator drives them:
REST through Envoy (port 3000) -> chargepoint_svc -> edge -> a staying `csms-sim` 2.0.1 or
2.1 station (and a 1.6 one for its diagnostics) -> and the reports it sends afterwards, kept
and read back over REST. On both topologies (tests/e2e/conftest.py): with three edge
replicas chargepoint_svc's call may reach one that forwards it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.topologies]


@pytest.fixture(scope="module", params=["2.0.1", "2.1"])
def station(request: pytest.FixtureRequest, system: System) -> Iterator[str]:
    yield from _staying(system, request.param)


@pytest.fixture(scope="module")
def station_16(system: System) -> Iterator[str]:
    yield from _staying(system, "1.6")


def _staying(system: System, version: str) -> Iterator[str]:
    name = "LOGS-" + version.replace(".", "")
    sim_log = system.output.parent / f"sim-{name}.log"
    log = sim_log.open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "simulator.cli", name, version, system.ocpp_url, "--stay"),
            *("--interval", "0.2", "--meter-values", "1"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    eventually(
        lambda: "staying connected" in sim_log.read_text(), within=60, what=f"{name} to settle"
    )
    yield name
    process.terminate()
    process.wait(10)
    log.close()


def _call(system: System, station: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    url = f"{system.api_gateway}/api/v1/charge-points/{station}/{path}"
    return httpx.request(method, url, timeout=40, **kwargs)


def _statuses(system: System, station: str, request_id: int) -> list[str] | None:
    found = _call(system, station, "GET", f"log-requests/{request_id}").json()
    statuses = [entry["status"] for entry in found.get("statuses", [])]
    return statuses if len(statuses) == 2 else None


def test_a_log_request_and_its_upload_statuses(system: System, station: str) -> None:
    reply = _call(
        system,
        station,
        "POST",
        "log-requests",
        json={"location": "ftp://example.com/logs/", "logType": "SECURITY", "requestedBy": "e2e"},
    )
    assert reply.status_code == 200, reply.text
    sent = reply.json()
    assert sent["answer"] == "Accepted" and sent["fileName"].startswith("securitylog-")
    statuses = eventually(lambda: _statuses(system, station, sent["requestId"]), what="upload")
    assert statuses == ["Uploading", "Uploaded"]

    unreachable = _call(system, station, "POST", "log-requests", json={"location": "nowhere"})
    failed = unreachable.json()["requestId"]
    assert eventually(lambda: _statuses(system, station, failed)) == ["Uploading", "UploadFailure"]
    listed = _call(system, station, "GET", "log-requests").json()["logRequests"]
    assert [entry["requestId"] for entry in listed][:2] == [failed, sent["requestId"]]
    assert listed[1]["requestedBy"] == "e2e" and listed[1]["logType"] == "SECURITY"


def test_a_1_6_diagnostics_request_gets_the_statuses_without_request_id(
    system: System, station_16: str
) -> None:
    """OCPP 1.6 DiagnosticsStatusNotification has no requestId: its statuses count against
    the station's latest log request."""
    reply = _call(system, station_16, "POST", "log-requests", json={"location": "ftp://x/"})
    assert reply.status_code == 200, reply.text
    sent = reply.json()
    assert sent["answer"] == "Accepted" and sent["fileName"].startswith("diagnostics-")
    statuses = eventually(lambda: _statuses(system, station_16, sent["requestId"]))
    assert statuses == ["Uploading", "Uploaded"]
    security = _call(
        system,
        station_16,
        "POST",
        "log-requests",
        json={"location": "ftp://x/", "logType": "SECURITY"},
    )
    assert security.status_code == 400, security.text


def test_bad_log_requests_get_a_clear_error(system: System, station: str) -> None:
    missing = _call(system, station, "POST", "log-requests", json={})
    assert missing.status_code == 400 and "location is required" in missing.json()["message"]
    unknown = _call(system, station, "GET", "log-requests/999")
    assert unknown.status_code == 404 and "999" in unknown.json()["message"]
    wrong_type = _call(
        system, station, "POST", "log-requests", json={"location": "ftp://x/", "logType": "AUDIT"}
    )
    assert (
        wrong_type.status_code == 400
        and 'log_type: invalid value "AUDIT"' in (wrong_type.json()["message"])
    )


def _complete(system: System, station: str, request_id: int) -> dict[str, Any] | None:
    found = dict(_call(system, station, "GET", f"customer-information/{request_id}").json())
    return found if found.get("complete") else None


def test_customer_information_arrives_in_parts_and_is_assembled(
    system: System, station: str
) -> None:
    reply = _call(
        system,
        station,
        "POST",
        "customer-information",
        json={"report": True, "idToken": "DEMO-TAG-001"},
    )
    assert reply.status_code == 200, reply.text
    sent = reply.json()
    assert sent["answer"] == "Accepted"
    report = eventually(lambda: _complete(system, station, sent["requestId"]), what="the report")
    assert report["parts"] == 2
    assert report["data"].startswith("idToken DEMO-TAG-001: authorization cache Accepted")
    assert "transactions: none" in report["data"]

    neither = _call(system, station, "POST", "customer-information", json={"idToken": "X"})
    assert neither.status_code == 400 and "report or clear" in neither.json()["message"]


def _messages(system: System, station: str) -> list[dict[str, Any]]:
    return list(_call(system, station, "GET", "display-messages").json().get("messages", []))


def test_display_messages_set_reported_and_cleared(system: System, station: str) -> None:
    message = {"id": 1, "priority": "IN_FRONT", "message": {"language": "en", "content": "Welcome"}}
    reply = _call(system, station, "POST", "display-messages", json={"message": message})
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "Accepted"
    assert [(m["id"], m["message"]["content"]) for m in _messages(system, station)] == [
        (1, "Welcome")
    ]
    unknown_tx = dict(message, id=2, transactionId="no-such-transaction")
    refused = _call(system, station, "POST", "display-messages", json={"message": unknown_tx})
    assert refused.json()["status"] == "UnknownTransaction"
    assert [m["id"] for m in _messages(system, station)] == [1]

    # A message set around the store (the generic Send) appears once the station reports it.
    direct = {"id": 5, "priority": "NormalCycle", "message": {"format": "UTF8", "content": "Hi"}}
    sent = httpx.post(
        f"{system.gateway}/connections/{station}/send",
        json={"action": "SetDisplayMessage", "payload": {"message": direct}},
        timeout=40,
    )
    assert sent.json()["result"]["status"] == "Accepted", sent.text
    assert [m["id"] for m in _messages(system, station)] == [1]
    asked = _call(system, station, "POST", "display-messages/report", json={}).json()
    assert asked["status"] == "Accepted" and asked["requestId"] > 0
    reported = eventually(
        lambda: [m["id"] for m in _messages(system, station)] == [1, 5] or None,
        what="the NotifyDisplayMessages parts",
    )
    assert reported
    (five,) = [m for m in _messages(system, station) if m["id"] == 5]
    assert (five["priority"], five["message"]["content"]) == ("NORMAL_CYCLE", "Hi")
    assert _call(system, station, "DELETE", "display-messages/5").json()["status"] == "Accepted"
    cleared = _call(system, station, "DELETE", "display-messages/1")
    assert cleared.json()["status"] == "Accepted"
    assert _messages(system, station) == []
    none_left = _call(system, station, "POST", "display-messages/report", json={}).json()
    assert none_left["status"] == "Unknown"


def test_bad_display_messages_get_a_clear_error(system: System, station: str) -> None:
    no_content = {"id": 3, "priority": "IN_FRONT", "message": {}}
    reply = _call(system, station, "POST", "display-messages", json={"message": no_content})
    assert reply.status_code == 400 and "message.message.content" in reply.json()["message"]
    bad_priority = {"id": 3, "priority": "SOMETIMES", "message": {"content": "x"}}
    reply = _call(system, station, "POST", "display-messages", json={"message": bad_priority})
    assert reply.status_code == 400 and "priority" in reply.text
