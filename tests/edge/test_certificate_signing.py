"""SignCertificate and SecurityEventNotification through the real edge, over a real
WebSocket, with gRPC servers playing the services: what the station is answered, the
CertificateSigned that follows the answer (and nothing when the CA refused), and what
the edge asks the services, in every OCPP version."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from csms.auth.v1 import certificates_pb2
from edge.certificate_signing import REFUSAL_EVENT
from edge.server import RunningEdge
from tests.support.fake_services import FAKE_CHAIN, Fakes
from tests.support.remote_station import RemoteStation, remote_station, remote_station_v2

Use = certificates_pb2.SignChargePointCertificateRequest
CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"


async def sign(station: RemoteStation, payload: dict[str, Any]) -> list[Any]:
    """Send SignCertificate; return the answer frame."""
    return await station.call("SignCertificate", payload)


async def test_1_6_accepted_then_the_chain_follows(edge: RunningEdge, fakes: Fakes) -> None:
    async with remote_station(edge, "CP-SIGN") as station:
        answer = await sign(station, {"csr": CSR})
        assert answer[0] == 3 and answer[2] == {"status": "Accepted"}
        follow_up = await station.next_call()
        assert follow_up[2:] == ["CertificateSigned", {"certificateChain": FAKE_CHAIN}]
        await station.answer(follow_up, {"status": "Accepted"})
        assert (await station.call("Heartbeat", {}))[0] == 3
    (request,) = fakes.recorder.requests("SignChargePointCertificate")
    assert (request.charge_point_id, request.csr, request.use) == ("CP-SIGN", CSR, Use.CHARGE_POINT)
    assert fakes.recorder.requests("RecordSecurityEvent") == []


async def test_1_6_refused_is_rejected_recorded_and_nothing_follows(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.certificate_refusal = "the CSR's subject CN is 'CP-OTHER'"
    async with remote_station(edge, "CP-SIGN") as station:
        answer = await sign(station, {"csr": CSR})
        assert answer[2] == {"status": "Rejected"}
        # The next frame is the answer to the station's own call: no CertificateSigned.
        assert (await station.call("Heartbeat", {}))[0] == 3
    (event,) = fakes.recorder.requests("RecordSecurityEvent")
    assert (event.charge_point_id, event.type, event.tech_info) == (
        "CP-SIGN",
        REFUSAL_EVENT,
        "the CSR's subject CN is 'CP-OTHER'",
    )
    assert event.HasField("timestamp")


async def test_a_station_that_refuses_the_chain_stays_served(
    edge: RunningEdge, fakes: Fakes
) -> None:
    async with remote_station(edge, "CP-SIGN") as station:
        await sign(station, {"csr": CSR})
        follow_up = await station.next_call()
        await station.refuse(follow_up, "InternalError", "no room")
        assert (await station.call("Heartbeat", {}))[0] == 3


async def test_the_ca_unreachable_is_an_internal_error(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.failures["SignChargePointCertificate"] = (
        grpc.StatusCode.UNAVAILABLE,
        "down for maintenance",
    )
    async with remote_station(edge, "CP-SIGN") as station:
        answer = await sign(station, {"csr": CSR})
        assert answer[0] == 4 and answer[2] == "InternalError"
        assert (await station.call("Heartbeat", {}))[0] == 3


async def test_a_csr_the_schema_refuses_never_reaches_the_ca(
    edge: RunningEdge, fakes: Fakes
) -> None:
    async with remote_station(edge, "CP-SIGN") as station:
        missing = await sign(station, {})
        assert missing[0] == 4 and "'csr' is a required property" in missing[3]
        too_long = await sign(station, {"csr": "x" * 5501})
        assert too_long[0] == 4 and too_long[3].startswith("SignCertificate: csr: 'xxx")
    assert fakes.recorder.requests("SignChargePointCertificate") == []


async def test_1_6_security_events_are_stored(edge: RunningEdge, fakes: Fakes) -> None:
    event = {
        "type": "InvalidCentralSystemCertificate",
        "timestamp": "2024-05-01T12:00:00Z",
        "techInfo": "expired",
    }
    async with remote_station(edge, "CP-SEC") as station:
        answer = await station.call("SecurityEventNotification", event)
        assert answer[0] == 3 and answer[2] == {}
        bad = await station.call("SecurityEventNotification", {"type": "X", "timestamp": "soon"})
        assert bad[0] == 4 and "timestamp 'soon' is not an ISO 8601 date-time" in bad[3]
    (recorded,) = fakes.recorder.requests("RecordSecurityEvent")
    assert (recorded.charge_point_id, recorded.type, recorded.tech_info) == (
        "CP-SEC",
        "InvalidCentralSystemCertificate",
        "expired",
    )
    assert recorded.timestamp.seconds == 1_714_564_800


@pytest.mark.parametrize("subprotocol", ["ocpp2.0.1", "ocpp2.1"])
async def test_2x_accepted_then_the_chain_follows(
    edge: RunningEdge, fakes: Fakes, subprotocol: str
) -> None:
    async with remote_station_v2(edge, "CS-SIGN", subprotocol) as station:
        answer = await sign(station, {"csr": CSR, "certificateType": "ChargingStationCertificate"})
        assert answer[2] == {"status": "Accepted"}
        follow_up = await station.next_call()
        assert follow_up[2:] == [
            "CertificateSigned",
            {"certificateChain": FAKE_CHAIN, "certificateType": "ChargingStationCertificate"},
        ]
        await station.answer(follow_up, {"status": "Accepted"})
    (request,) = fakes.recorder.requests("SignChargePointCertificate")
    assert (request.charge_point_id, request.use) == ("CS-SIGN", Use.CHARGE_POINT)


async def test_2_1_repeats_the_request_id(edge: RunningEdge) -> None:
    async with remote_station_v2(edge, "CS-SIGN", "ocpp2.1") as station:
        await sign(station, {"csr": CSR, "requestId": 42})
        follow_up = await station.next_call()
        assert follow_up[3]["requestId"] == 42
        await station.answer(follow_up, {"status": "Accepted"})


async def test_2_0_1_refused_is_rejected_with_the_reason(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.certificate_refusal = "the CSR's signature does not verify"
    async with remote_station_v2(edge, "CS-SIGN") as station:
        answer = await sign(station, {"csr": CSR, "certificateType": "V2GCertificate"})
        assert answer[2] == {
            "status": "Rejected",
            "statusInfo": {
                "reasonCode": "InvalidCSR",
                "additionalInfo": "the CSR's signature does not verify",
            },
        }
        assert (await station.call("Heartbeat", {}))[0] == 3
    (request,) = fakes.recorder.requests("SignChargePointCertificate")
    assert request.use == Use.V2G
    (event,) = fakes.recorder.requests("RecordSecurityEvent")
    assert (event.charge_point_id, event.type) == ("CS-SIGN", REFUSAL_EVENT)
