"""Admission at the WebSocket handshake (edge.gatekeeper, edge.credentials): the real edge,
fake services on real gRPC servers, real WebSocket clients. What the headers present
reaches the services; their refusals, and their outages, become HTTP answers."""

from __future__ import annotations

import base64
from http import HTTPStatus
from pathlib import Path

import grpc
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response
from websockets.typing import Subprotocol

from csms.auth.v1 import auth_pb2
from edge.server import RunningEdge
from tests.support.edges import start_edge
from tests.support.fake_services import Fakes, closed_address, settings_for

OCPP16 = [Subprotocol("ocpp1.6")]
_Outcome = auth_pb2.AuthenticateChargePointResponse


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def refused(
    edge: RunningEdge, headers: dict[str, str] | None = None, path: str = "/ocpp/CP-1"
) -> Response:
    with pytest.raises(InvalidStatus) as raised:
        async with connect(
            f"ws://127.0.0.1:{edge.ws_port}{path}",
            subprotocols=OCPP16,
            additional_headers=headers or {},
        ):
            pass
    return raised.value.response


def body(response: Response) -> str:
    return response.body.decode() if response.body else ""


async def test_what_the_handshake_presents_reaches_both_services(
    edge: RunningEdge, fakes: Fakes
) -> None:
    headers = {
        "Authorization": basic("CP-1", "pass:word with colon"),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Client-Cert": 'Hash=ab12;Subject="CN=CP-1,O=Acme\\, Inc.";URI=;DNS=cp1',
    }
    async with connect(
        f"ws://127.0.0.1:{edge.ws_port}/ocpp/CP-1", subprotocols=OCPP16, additional_headers=headers
    ) as ws:
        assert ws.subprotocol == "ocpp1.6"
    (admission,) = [r for name, r in fakes.recorder.handshakes if name == "CheckAdmission"]
    assert admission.charge_point_id == "CP-1"
    (asked,) = [r for name, r in fakes.recorder.handshakes if name == "AuthenticateChargePoint"]
    assert (asked.charge_point_id, asked.basic_auth, asked.username, asked.password) == (
        "CP-1",
        True,
        "CP-1",
        "pass:word with colon",
    )
    assert asked.tls and asked.client_certificate_cn == "CP-1"


async def test_no_credentials_and_plain_http(edge: RunningEdge, fakes: Fakes) -> None:
    async with connect(f"ws://127.0.0.1:{edge.ws_port}/ocpp/CP-2", subprotocols=OCPP16):
        pass
    (asked,) = [r for name, r in fakes.recorder.handshakes if name == "AuthenticateChargePoint"]
    assert not asked.basic_auth and not asked.tls and asked.client_certificate_cn == ""


async def test_a_certificate_claimed_without_tls_is_ignored(
    edge: RunningEdge, fakes: Fakes
) -> None:
    headers = {"X-Forwarded-Client-Cert": 'Subject="CN=CP-1"', "X-Forwarded-Proto": "http"}
    async with connect(
        f"ws://127.0.0.1:{edge.ws_port}/ocpp/CP-1", subprotocols=OCPP16, additional_headers=headers
    ):
        pass
    (asked,) = [r for name, r in fakes.recorder.handshakes if name == "AuthenticateChargePoint"]
    assert not asked.tls and asked.client_certificate_cn == ""


async def test_unknown_charge_point_is_404_with_the_reason(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.not_admitted = "charge point CP-1 is not registered and the policy is strict"
    response = await refused(edge)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert body(response) == "charge point CP-1 is not registered and the policy is strict\n"
    assert fakes.recorder.calls == []  # no session, no event


async def test_missing_credentials_are_401_with_a_basic_challenge(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.authentication = (_Outcome.UNAUTHENTICATED, "send HTTP Basic auth")
    response = await refused(edge)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Basic realm="csms", charset="UTF-8"'
    assert body(response) == "send HTTP Basic auth\n"


async def test_a_profile_the_connection_cannot_meet_is_403(edge: RunningEdge, fakes: Fakes) -> None:
    fakes.recorder.authentication = (_Outcome.FORBIDDEN, "connect with wss://")
    response = await refused(edge)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "WWW-Authenticate" not in response.headers
    assert body(response) == "connect with wss://\n"
    assert edge.statistics.figures().handshakes_refused == 1


async def test_an_unknown_charge_point_is_refused_before_its_credentials_count(
    edge: RunningEdge, fakes: Fakes
) -> None:
    fakes.recorder.not_admitted = "not registered"
    fakes.recorder.authentication = (_Outcome.UNAUTHENTICATED, "wrong password")
    assert (await refused(edge)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("headers", "status", "words"),
    [
        ({"Authorization": "Bearer abc"}, HTTPStatus.UNAUTHORIZED, "charge points use HTTP Basic"),
        ({"Authorization": "Basic !!!"}, HTTPStatus.BAD_REQUEST, "not base64"),
        (
            {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
            HTTPStatus.BAD_REQUEST,
            "no ':'",
        ),
        (
            {"Authorization": "Basic " + base64.b64encode(b"CP-1:\xff").decode()},
            HTTPStatus.BAD_REQUEST,
            "UTF-8",
        ),
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Client-Cert": "Hash=ab;URI=x"},
            HTTPStatus.FORBIDDEN,
            "subject was not forwarded",
        ),
    ],
)
async def test_unreadable_credentials_are_refused_without_asking(
    edge: RunningEdge, fakes: Fakes, headers: dict[str, str], status: HTTPStatus, words: str
) -> None:
    response = await refused(edge, headers)
    assert response.status_code == status
    assert words in body(response)
    assert fakes.recorder.handshakes == []


async def test_a_header_sent_twice_is_refused(edge: RunningEdge, fakes: Fakes) -> None:
    with pytest.raises(InvalidStatus) as raised:
        async with connect(
            f"ws://127.0.0.1:{edge.ws_port}/ocpp/CP-1",
            subprotocols=OCPP16,
            additional_headers=[
                ("Authorization", basic("CP-1", "a" * 16)),
                ("Authorization", basic("CP-2", "b" * 16)),
            ],
        ):
            pass
    assert raised.value.response.status_code == HTTPStatus.BAD_REQUEST
    assert "Authorization header is sent more than once" in body(raised.value.response)


@pytest.mark.parametrize("method", ["CheckAdmission", "AuthenticateChargePoint"])
async def test_a_service_failing_at_the_handshake_is_503(
    edge: RunningEdge, fakes: Fakes, method: str
) -> None:
    fakes.recorder.failures[method] = (grpc.StatusCode.INTERNAL, "boom at 10.0.0.7:50051")
    response = await refused(edge)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    service = "chargepoint" if method == "CheckAdmission" else "auth"
    assert body(response) == (
        f"the CSMS cannot admit charge points right now (the {service} service is "
        "unavailable); retry later\n"
    )
    # The edge keeps serving: once the service is back, the same station connects.
    del fakes.recorder.failures[method]
    async with connect(f"ws://127.0.0.1:{edge.ws_port}/ocpp/CP-1", subprotocols=OCPP16):
        pass


async def test_a_service_that_is_down_is_503(fakes: Fakes, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, fakes.address, CSMS_CHARGEPOINT_ADDRESS=closed_address())
    running = await start_edge(settings)
    try:
        response = await refused(running)
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert "the chargepoint service is unavailable" in body(response)
    finally:
        await running.stop()
