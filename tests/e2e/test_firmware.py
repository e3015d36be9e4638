"""Firmware as an operator drives it (issue 13): REST through Envoy -> edge -> `csms-sim
--stay` (2.0.1, and 1.6 for the security extension's signed update) -> the station's
status notifications -> chargepoint_svc's history per request id, read over REST."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.certificates import certificate_pem
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e]

CHECKSUM = "0123456789abcdef0123456789abcdef"


def _staying(system: System, station: str, version: str) -> Iterator[subprocess.Popen[bytes]]:
    log_path: Path = system.output.parent / f"{station}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                station,
                version,
                system.ocpp_url,
                "--stay",
                "--interval",
                "0.1",
                "--meter-values",
                "1",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        eventually(
            lambda: "staying connected" in log_path.read_text(), within=60, what=f"{station}"
        )
        yield process
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def station201(system: System) -> Iterator[subprocess.Popen[bytes]]:
    yield from _staying(system, "FW-201", "2.0.1")


@pytest.fixture(scope="module")
def station16(system: System) -> Iterator[subprocess.Popen[bytes]]:
    yield from _staying(system, "FW-16", "1.6")


def _url(system: System, station: str, path: str) -> str:
    return f"{system.api_gateway}/api/v1/charge-points/{station}/{path}"


def _signed(**fields: Any) -> dict[str, Any]:
    return {
        "location": "https://firmware.example/v2.1.bin",
        "retrieveAt": datetime.now(UTC).isoformat(),
        "signingCertificate": certificate_pem(),
        "signature": "c2lnbmF0dXJl",
        **fields,
    }


def _history(system: System, station: str, path: str, key: str, request_id: int) -> Any:
    reply = httpx.get(_url(system, station, path), params={"requestId": request_id})
    assert reply.status_code == 200, reply.text
    found = reply.json().get(key, [])
    return found[0] if found else None


def test_a_signed_update_on_a_201_station_is_followed_to_installed(
    system: System, station201: Any
) -> None:
    reply = httpx.post(_url(system, "FW-201", "firmware/signed"), json=_signed(), timeout=40)
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["status"] == "Accepted"
    request_id = answer["requestId"]
    assert request_id > 0

    def installed() -> Any:
        update = _history(system, "FW-201", "firmware-updates", "updates", request_id)
        return update if update and update["status"] == "Installed" else None

    update = eventually(installed, what="FirmwareStatusNotification Installed")
    assert update["request"]["signed"] is True
    assert update["request"]["answer"] == "Accepted"
    assert update["request"]["location"] == "https://firmware.example/v2.1.bin"
    assert [step["status"] for step in update["steps"]] == [
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "Installed",
    ]
    point = httpx.get(f"{system.api}/charge-points/FW-201").json()
    assert point["firmwareStatus"] in {"Installed", "Idle"}


def test_bad_signed_updates_are_refused_before_sending(system: System, station201: Any) -> None:
    url = _url(system, "FW-201", "firmware/signed")
    cases = [
        (_signed(signature="not base64!"), "signature must be base64"),
        (_signed(signingCertificate="hello"), "signing_certificate must be a PEM X.509"),
        (_signed(signingCertificate=""), "signing_certificate is required"),
        (_signed(location="https://x/" + "y" * 600), "location is 610 characters long"),
        (_signed(retrieveAt=None), "retrieve_at is required"),
    ]
    for fields, message in cases:
        body = {k: v for k, v in fields.items() if v is not None}
        reply = httpx.post(url, json=body, timeout=40)
        assert reply.status_code == 400, (body, reply.text)
        assert message in reply.json()["message"], reply.text


def test_firmware_is_published_and_unpublished(system: System, station201: Any) -> None:
    url = _url(system, "FW-201", "firmware/publications")
    assert httpx.delete(f"{url}/{CHECKSUM}", timeout=40).json() == {"status": "NoFirmware"}
    reply = httpx.post(
        url, json={"location": "https://firmware.example/lc.bin", "checksum": CHECKSUM}, timeout=40
    )
    assert reply.status_code == 200, reply.text
    request_id = reply.json()["requestId"]
    assert reply.json()["status"] == "Accepted"

    def published() -> Any:
        found = _history(system, "FW-201", "firmware-publications", "publications", request_id)
        return found if found and found["status"] == "Published" else None

    publication = eventually(published, what="PublishFirmwareStatusNotification Published")
    assert [s["status"] for s in publication["steps"]] == [
        "Downloading",
        "Downloaded",
        "ChecksumVerified",
        "Published",
    ]
    assert publication["locations"] == [
        f"http://FW-201.local/firmware/{CHECKSUM}.bin",
        f"ftp://FW-201.local/{CHECKSUM}.bin",
    ]
    assert httpx.delete(f"{url}/{CHECKSUM}", timeout=40).json() == {"status": "Unpublished"}
    publication = _history(system, "FW-201", "firmware-publications", "publications", request_id)
    assert publication["request"]["checksum"] == CHECKSUM
    assert publication["request"]["unpublishedAt"]
    bad = httpx.post(url, json={"location": "https://x/fw.bin", "checksum": "abc"}, timeout=40)
    assert bad.status_code == 400
    assert "checksum must be an MD5 checksum" in bad.json()["message"]


def test_a_16_station_takes_a_signed_update_but_publishes_nothing(
    system: System, station16: Any
) -> None:
    reply = httpx.post(
        _url(system, "FW-16", "firmware/signed"), json=_signed(requestId=77), timeout=40
    )
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"status": "Accepted", "requestId": 77}

    def installed() -> Any:
        update = _history(system, "FW-16", "firmware-updates", "updates", 77)
        return update if update and update["status"] == "Installed" else None

    update = eventually(installed, what="SignedFirmwareStatusNotification Installed")
    assert "SignatureVerified" in [step["status"] for step in update["steps"]]
    publish = httpx.post(
        _url(system, "FW-16", "firmware/publications"),
        json={"location": "https://x/fw.bin", "checksum": CHECKSUM},
        timeout=40,
    )
    assert publish.status_code == 501, publish.text
    assert publish.json()["message"]


def test_the_history_of_an_unknown_station_is_not_found(system: System) -> None:
    reply = httpx.get(_url(system, "NO-SUCH-STATION", "firmware-updates"))
    assert reply.status_code == 404
    assert "NO-SUCH-STATION" in reply.json()["message"]
