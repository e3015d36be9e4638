"""Hostile input through the public face (Envoy in front of the whole system): charge
point ids made to traverse paths or inject, slow and silent sockets, oversized and
flooding stations, REST bodies of the wrong type or size. Each gets a clear refusal,
a well-behaved station is served meanwhile, and what is stored does not change.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from launcher.envoy_limits import MAX_REST_BODY_BYTES
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Hostile"}
OCPP16 = [Subprotocol("ocpp1.6")]
IDENTITY_RULE = "1 to 48 characters from A-Z a-z 0-9"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The whole system with limits small enough to reach in a test."""
    with running_system(
        tmp_path_factory.mktemp("csms"),
        CSMS_HANDSHAKE_TIMEOUT="2",
        CSMS_MESSAGE_RATE="0.1",
        CSMS_MESSAGE_BURST="10",
    ) as running:
        yield running


def _stored(system: System) -> dict[str, Any]:
    """Everything the REST API lists, to compare before and after."""
    api = system.api_gateway
    return {
        name: httpx.get(f"{api}/api/v1/{name}", timeout=10).json()
        for name in ("charge-points", "id-tags", "transactions")
    }


async def _boot(ws: ClientConnection, message_id: str = "boot") -> list[Any]:
    await ws.send(json.dumps([2, message_id, "BootNotification", BOOT]))
    return list(json.loads(await asyncio.wait_for(ws.recv(), 10)))


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/ocpp/../../etc/passwd", 404, "no OCPP endpoint"),
        ("/ocpp/a/b", 404, "no OCPP endpoint"),
        ("/ocpp/a%2Fb", 400, IDENTITY_RULE),
        ("/ocpp/..%5C..%5Cetc", 400, IDENTITY_RULE),
        ("/ocpp/%252e%252e", 400, IDENTITY_RULE),
        ("/ocpp/" + "A" * 49, 400, IDENTITY_RULE),
        ("/ocpp/" + "A" * 5000, 400, IDENTITY_RULE),
        ("/ocpp/CP%00X", 400, IDENTITY_RULE),
        ("/ocpp/CP%0D%0AX-Injected:%201", 400, IDENTITY_RULE),
        ("/ocpp/CP%22q", 400, IDENTITY_RULE),
        ("/ocpp/CP'%20OR%20'1'='1", 400, IDENTITY_RULE),
        ("/ocpp/x;DROP%20TABLE%20charge_points", 400, IDENTITY_RULE),
        ("/ocpp/%C3%A9t%C3%A9", 400, IDENTITY_RULE),
        ("/ocpp?chargePointId=../etc&version=1.6", 400, IDENTITY_RULE),
    ],
)
async def test_ids_that_traverse_or_inject_are_refused_at_the_handshake(
    system: System, path: str, status: int, words: str
) -> None:
    before = _stored(system)
    url = f"ws://127.0.0.1:{system.port('CSMS_OCPP_PORT')}{path}"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, subprotocols=OCPP16 if "version=" not in path else None):
            pass
    response = refused.value.response
    assert response.status_code == status
    assert words in response.body.decode(errors="replace")
    assert b"X-Injected" not in b"".join(k.encode() for k, _ in response.headers.raw_items())
    assert _stored(system) == before


@pytest.mark.parametrize(
    ("path", "stored_as"),
    [
        # OCPP's identifierString allows '.', '-' and '=': these are valid ids, stored
        # verbatim (never used as a file name, always a bound SQL parameter).
        ("/ocpp/%2e%2e", ".."),
        ("/ocpp/a--b=1", "a--b=1"),
        ("/ocpp/1=1|@:*+", "1=1|@:*+"),
    ],
)
async def test_odd_but_valid_ids_are_stored_verbatim(
    system: System, path: str, stored_as: str
) -> None:
    url = f"ws://127.0.0.1:{system.port('CSMS_OCPP_PORT')}{path}"
    async with connect(url, subprotocols=OCPP16) as ws:
        assert (await _boot(ws))[0] == 3
    quoted = "".join(f"%{b:02X}" for b in stored_as.encode())
    async with httpx.AsyncClient(timeout=10) as client:
        fetched = await client.get(f"{system.api_gateway}/api/v1/charge-points/{quoted}")
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["id"] == stored_as


def _raw(port: int, data: bytes, dribble: bool = False) -> bytes:
    """Open a TCP connection to Envoy, send ``data`` (a byte at a time, slowly, when
    ``dribble``), and return what arrives until Envoy closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        if dribble:
            sock.settimeout(0.3)
            received = b""
            for byte in data:
                try:
                    sock.sendall(bytes([byte]))
                    chunk = sock.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return received  # Envoy closed while the client was still sending
                if not chunk:
                    return received
                received += chunk
            raise AssertionError("Envoy let a request take as long as the client wanted")
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
        return received


async def test_slow_and_silent_sockets_are_dropped_while_stations_are_served(
    system: System,
) -> None:
    ocpp = system.port("CSMS_OCPP_PORT")
    gateway = system.port("CSMS_API_GATEWAY_PORT")
    upgrade = (
        b"GET /ocpp/SLOWLORIS HTTP/1.1\r\nHost: csms\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
        + b"X-Padding: "
        + b"p" * 200
        + b"\r\n\r\n"
    )
    hostile = [
        asyncio.to_thread(_raw, ocpp, b""),
        asyncio.to_thread(_raw, gateway, b""),
        asyncio.to_thread(_raw, ocpp, upgrade, True),
        asyncio.to_thread(_raw, gateway, b"GET /api/v1/charge-points HTTP/1.1\r\n" * 20, True),
    ]
    waiting = asyncio.gather(*hostile)
    url = f"ws://127.0.0.1:{ocpp}/ocpp/CALM-1"
    async with connect(url, subprotocols=OCPP16) as ws:
        assert (await _boot(ws))[0] == 3
    silent_ocpp, silent_gateway, slow_ocpp, slow_gateway = await asyncio.wait_for(waiting, 60)
    # Silent: closed without a word. Slow: 408 Request Timeout (RFC 9110 §15.5.9), or
    # closed before the headers were complete.
    assert silent_ocpp == silent_gateway == b""
    for answer in (slow_ocpp, slow_gateway):
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
        if answer:
            # As every REST error: JSON, DEADLINE_EXCEEDED (launcher.envoy_errors).
            head, _, body = answer.partition(b"\r\n\r\n")
            assert b"content-type: application/json" in head.lower(), head
            assert json.loads(body)["code"] == 4, body
    assert "SLOWLORIS" not in [c["id"] for c in _stored(system)["charge-points"]["chargePoints"]]


async def test_oversized_and_deep_messages_through_envoy(system: System) -> None:
    url = f"ws://127.0.0.1:{system.port('CSMS_OCPP_PORT')}/ocpp/E2E-BIG"
    async with connect(url, subprotocols=OCPP16) as ws:
        nested = "[" * 30_000 + "]" * 30_000
        await ws.send(f'[2, "deep", "DataTransfer", {{"vendorId": "v", "data": {nested}}}]')
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert reply[:3] == [4, "deep", "FormationViolation"]
        assert "levels deep" in reply[3]
        await ws.send(json.dumps([2, "big", "DataTransfer", {"vendorId": "x" * 70_000}]))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    async with connect(url, subprotocols=OCPP16) as ws:
        assert (await _boot(ws))[0] == 3


async def test_a_flooding_station_is_refused_then_closed_through_envoy(system: System) -> None:
    url = f"ws://127.0.0.1:{system.port('CSMS_OCPP_PORT')}/ocpp/E2E-FLOOD"
    calm_url = f"ws://127.0.0.1:{system.port('CSMS_OCPP_PORT')}/ocpp/E2E-CALM"
    async with (
        connect(calm_url, subprotocols=OCPP16) as calm,
        connect(url, subprotocols=OCPP16) as flood,
    ):
        for i in range(30):
            await flood.send(json.dumps([2, f"h{i}", "Heartbeat", {}]))
        codes: list[str] = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                reply = json.loads(await asyncio.wait_for(flood.recv(), 10))
                codes.append("ok" if reply[0] == 3 else reply[2])
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert "rate limit" in closed.value.rcvd.reason
        assert codes[:10] == ["ok"] * 10
        assert set(codes[10:]) == {"GenericError"}
        # The other station was served all along.
        assert (await _boot(calm))[0] == 3
    async with httpx.AsyncClient(timeout=10) as client:
        statistics = (await client.get(f"{system.gateway}/statistics")).json()
    assert int(statistics["callErrorsByCode"]["GenericError"]) >= 1


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b'{"id": 5}', 400, "id"),
        (b'{"id": ["a"]}', 400, "not repeating"),
        (b'{"id": {"x": 1}}', 400, "scalar field"),
        (b'{"id": "E2E-H1", "registrationStatus": true}', 400, "registration_status"),
        (b'{"id": "E2E-H2", "registrationStatus": 99}', 400, "registration_status 99"),
        (b'{"id": "E2E-H3", "registrationStatus": "SOMETIMES"}', 400, ""),
        (b"[]", 400, "Root element must be a message"),
        (b'"E2E-H4"', 400, "Root element must be a message"),
        (b"null", 400, "Root element must be a message"),
        (b'{"id": "E2E-H5"', 400, ""),
        (b'{"id": NaN}', 400, "Unexpected token"),
        (b'{"id": "A\xff"}', 400, "UTF-8"),
        (b'{"id": "E2E\\ud800"}', 400, "surrogate"),
        (b'{"id": "../../etc"}', 400, "is not valid"),
        (b'{"id": "E2E-H6", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", 400, "too deep"),
        (b'{"id": "' + b"A" * 100_000 + b'"}', 400, "is not valid"),
        (b'{"id": "E2E-H7", "x": "' + b"a" * MAX_REST_BODY_BYTES + b'"}', 413, ""),
    ],
)
def test_rest_bodies_of_the_wrong_type_or_size_are_400_with_a_message(
    system: System, body: bytes, status: int, words: str
) -> None:
    before = _stored(system)
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == status, reply.text[:300]
    assert reply.text, "the refusal must say what was wrong"
    assert words in reply.text
    assert len(reply.content) < 2048, "a refusal does not echo a huge input back"
    assert _stored(system) == before


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/v1/id-tags", {"idTag": "E2E-T1", "expiresAt": 12}, 400),
        ("POST", "/api/v1/id-tags", {"idTag": "E2E-T1", "expiresAt": "yesterday"}, 400),
        ("POST", "/api/v1/id-tags", {"idTag": "T" * 5000}, 400),
        ("POST", "/api/v1/id-tags", {"idTag": "T\u0000X"}, 400),
        ("POST", "/api/v1/id-tags", {"idTag": "E2E-T2", "status": 42}, 400),
        ("PUT", "/api/v1/id-tags/E2E-T3", [1, 2, 3], 400),
        ("GET", "/api/v1/transactions?pageSize=abc", None, 400),
        ("GET", "/api/v1/transactions?pageSize=99999999999", None, 400),
        ("GET", "/api/v1/transactions/99999999999999999999", None, 400),
        ("GET", "/api/v1/transactions/-5", None, 400),
        ("GET", "/api/v1/reservations/1e3", None, 400),
        ("POST", "/api/v1/connections/E2E-NONE/send", {"action": "Reset", "payload": [1]}, 400),
        ("POST", "/api/v1/connections/E2E-NONE/send", {"action": 5}, 400),
        ("PUT", "/api/v1/charge-points/E2E-NONE/credentials", {"securityProfile": "x"}, 400),
    ],
)
def test_other_wrong_requests_are_4xx(
    system: System, method: str, path: str, body: Any, status: int
) -> None:
    before = _stored(system)
    reply = httpx.request(
        method,
        f"{system.api_gateway}{path}",
        content=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == status, reply.text[:300]
    assert reply.text
    assert _stored(system) == before
