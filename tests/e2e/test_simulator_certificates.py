"""``csms-sim --stay`` manages its certificate store as a station of the OCPP 1.6 security
extension (1.6) or of OCPP 2.x blocks A and M (2.0.1, 2.1) does, operated over REST
through Envoy (port 3000): it has no CSMS root at first, keeps the CSMS CA once installed,
lists it by its hash data, deletes it, and renews its own certificate when triggered
(ExtendedTriggerMessage or TriggerMessage, then SignCertificate, then CertificateSigned)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.certificates import hash_data
from tests.support.stations import staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

# The station's line once the chain the CSMS CA signed has been taken.
RENEWED = "CertificateSigned certificateChain="


@pytest.mark.parametrize("version", ["1.6", "2.0.1", "2.1"])
def test_the_simulator_keeps_a_certificate_store(system: System, version: str) -> None:
    station_id = f"SIM-CERT-{version.replace('.', '')}"
    api = f"{system.api_gateway}/api/v1/charge-points/{station_id}"
    ca_pem = (Path(system.env["CSMS_DATA_DIR"]) / "pki" / "ca.pem").read_text()
    held = hash_data(ca_pem)

    def roots() -> Any:
        reply = httpx.get(f"{api}/certificates", params={"certificateTypes": "CSMS_ROOT"})
        assert reply.status_code == 200, reply.text
        return reply.json()

    with staying_station(system, station_id, version, "--interval", "0.2") as station:
        assert roots()["status"] == "NOT_FOUND"

        installed = httpx.post(
            f"{api}/certificates", json={"certificateType": "CSMS_ROOT", "certificate": ca_pem}
        )
        assert (installed.status_code, installed.json()) == (200, {"status": "ACCEPTED"})
        listed = roots()
        assert listed["status"] == "ACCEPTED"
        assert [
            (c["certificateType"], c["certificateHashData"]) for c in listed["certificates"]
        ] == [("CSMS_ROOT", held)]

        hashed = {
            f"certificateHashData.{name}": held[name]
            for name in ("hashAlgorithm", "issuerNameHash", "issuerKeyHash")
        }
        deleted = httpx.delete(f"{api}/certificates/{held['serialNumber']}", params=hashed)
        assert deleted.json() == {"status": "ACCEPTED"}, deleted.text
        assert roots()["status"] == "NOT_FOUND"
        gone = httpx.delete(f"{api}/certificates/{held['serialNumber']}", params=hashed)
        assert gone.json() == {"status": "NOT_FOUND"}, gone.text

        renewal = httpx.post(
            f"{api}/trigger", json={"requestedMessage": "SIGN_CHARGE_POINT_CERTIFICATE"}
        )
        assert (renewal.status_code, renewal.json()) == (200, {"status": "ACCEPTED"})
        signed = eventually(
            lambda: next((line for line in station.log().splitlines() if RENEWED in line), None),
            what=f"{station_id} to take its signed certificate",
        )
        assert signed.endswith("-> Accepted"), station.log()
        assert "Traceback" not in station.log()
