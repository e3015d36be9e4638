"""``csms up`` with ``CSMS_API_AUTH=jwt``: the REST API (and gRPC through Envoy) needs a
bearer token the real Envoy verifies; health, the OpenAPI documents and the OCPP
WebSocket stay open."""

from __future__ import annotations

import base64
import datetime as dt
import json
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from websockets.asyncio.client import connect

from csms.chargepoint.v1 import chargepoint_pb2, chargepoint_pb2_grpc
from launcher.api_tokens import Role, SigningKey, claims, signing_key
from servicekit.settings import Settings
from tests.support.system import System, running_system

pytestmark = pytest.mark.e2e

HOUR = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with running_system(tmp_path_factory.mktemp("csms-jwt"), CSMS_API_AUTH="jwt") as running:
        yield running


def _key(system: System) -> SigningKey:
    """The key ``csms up`` created (the one ``csms token`` signs with)."""
    return signing_key(Settings.from_env(system.env).security)


def _claims(given: Role = Role.OPERATOR, **changes: Any) -> dict[str, Any]:
    """A valid token's claims with ``changes`` (None: the claim left out)."""
    made = claims(
        issuer="csms", role=given, subject="e2e", now=dt.datetime.now(dt.UTC), lifetime=HOUR
    )
    made.update(changes)
    return {name: value for name, value in made.items() if value is not None}


def _token(system: System, role: Role, **changes: Any) -> str:
    return _key(system).sign(_claims(role, **changes))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refused(reply: httpx.Response, status: int, code: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["code"] == code
    return str(body["message"])


def test_the_banner_says_how_to_get_a_token(secured: System) -> None:
    assert "csms token create --role operator" in secured.log()


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("api", "/charge-points"),
        ("api", "/transactions"),
        ("gateway", "/connections"),
        ("gateway", "/statistics"),
        ("api_gateway", "/api/v1/charge-points"),
        ("api_gateway", "/api/v1/id-tags"),
        ("api_gateway", "/services"),
    ],
)
def test_rest_without_a_token_is_401(secured: System, base: str, path: str) -> None:
    reply = httpx.get(f"{getattr(secured, base)}{path}")
    message = _refused(reply, 401, 16)
    assert "Jwt is missing" in message
    assert "Authorization: Bearer" in message and "csms token create" in message
    assert reply.headers["www-authenticate"].startswith("Bearer")


def _bad_tokens(system: System) -> dict[str, tuple[str, str]]:
    """Each bad token and the reason Envoy gives for it."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    good = _token(system, Role.OPERATOR)
    head, body, signature = good.split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return {
        "signed by another key": (
            SigningKey.generate().sign(_claims()),
            "Jwks doesn't have key to match kid or alg from Jwt",
        ),
        "another key, our key id": (
            _forged_kid(system),
            "Jwt verification fails",
        ),
        "signature changed": (f"{head}.{body}.{flipped}", "Jwt verification fails"),
        "wrong issuer": (
            _token(system, Role.OPERATOR, iss="https://elsewhere.example"),
            "Jwt issuer is not configured",
        ),
        # An hour past its expiry: beyond Envoy's clock skew allowance (60 s).
        "expired": (
            _token(system, Role.OPERATOR, iat=now - 2 * 3600, exp=now - 3600),
            "Jwt is expired",
        ),
        "not yet valid": (_token(system, Role.OPERATOR, nbf=now + 3600), "Jwt not yet valid"),
        "without expiry": (_token(system, Role.OPERATOR, exp=None), "Jwt verification fails"),
        "not a JWT": ("not-a-token", "Jwt is not in the form of Header.Payload.Signature"),
    }


def _forged_kid(system: System) -> str:
    """Signed by a stranger's key under the id of ours: the signature must not verify."""
    header = {"alg": "ES256", "kid": _key(system).kid, "typ": "JWT"}
    encoded = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    head = base64.urlsafe_b64encode(encoded).rstrip(b"=").decode()
    _, body, signature = SigningKey.generate().sign(_claims()).split(".")
    return f"{head}.{body}.{signature}"


BAD = [
    "signed by another key",
    "another key, our key id",
    "signature changed",
    "wrong issuer",
    "expired",
    "not yet valid",
    "without expiry",
    "not a JWT",
]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_token_is_401_with_the_reason(secured: System, case: str) -> None:
    token, reason = _bad_tokens(secured)[case]
    for reply in (
        httpx.get(f"{secured.api}/charge-points", headers=_bearer(token)),
        httpx.post(
            f"{secured.api_gateway}/api/v1/charge-points",
            json={"id": "NEVER-STORED"},
            headers=_bearer(token),
        ),
    ):
        assert reason in _refused(reply, 401, 16)
    listed = httpx.get(
        f"{secured.api}/charge-points", headers=_bearer(_token(secured, Role.VIEWER))
    )
    assert "NEVER-STORED" not in listed.text


def test_a_viewer_reads_but_may_not_change(secured: System) -> None:
    viewer = _bearer(_token(secured, Role.VIEWER))
    for url in (
        f"{secured.api}/charge-points",
        f"{secured.gateway}/connections",
        f"{secured.api_gateway}/services",
        f"{secured.api_gateway}/api/v1/transactions",
    ):
        reply = httpx.get(url, headers=viewer)
        assert reply.status_code == 200, (url, reply.text)
    refused = [
        httpx.post(f"{secured.api}/charge-points", json={"id": "VIEWER-CP"}, headers=viewer),
        httpx.post(
            f"{secured.api_gateway}/api/v1/id-tags", json={"idTag": "VIEWER-TAG"}, headers=viewer
        ),
        httpx.delete(f"{secured.gateway}/connections/ANY", headers=viewer),
    ]
    for reply in refused:
        message = _refused(reply, 403, 7)
        assert "role (viewer)" in message and "operator" in message
    assert httpx.get(f"{secured.api}/charge-points/VIEWER-CP", headers=viewer).status_code == 404


def test_a_viewer_may_watch_the_live_events_and_nobody_without_a_token(secured: System) -> None:
    url = f"{secured.api_gateway}/api/v1/events"
    _refused(httpx.get(url, timeout=10), 401, 16)
    viewer = _bearer(_token(secured, Role.VIEWER))
    with httpx.stream("GET", url, headers=viewer, timeout=10) as reply:
        assert reply.status_code == 200
        # The stream's first line: the watch is in place.
        assert json.loads(next(reply.iter_lines()))["kind"] == "KEEPALIVE"


def test_a_token_without_a_known_role_may_do_nothing(secured: System) -> None:
    for role in (None, "admin"):
        token = _key(secured).sign(_claims(role=role))
        reply = httpx.get(f"{secured.api}/charge-points", headers=_bearer(token))
        _refused(reply, 403, 7)


def test_an_operator_may_change(secured: System) -> None:
    operator = _bearer(_token(secured, Role.OPERATOR))
    created = httpx.post(
        f"{secured.api}/charge-points", json={"id": "OPERATOR-CP"}, headers=operator
    )
    assert created.status_code == 200, created.text
    fetched = httpx.get(
        f"{secured.api_gateway}/api/v1/charge-points/OPERATOR-CP",
        headers=_bearer(_token(secured, Role.VIEWER)),
    )
    assert fetched.json()["registrationStatus"] == "ACCEPTED"


def test_csms_token_create_makes_a_token_the_running_system_accepts(secured: System) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "launcher.cli", "token", "create", "--role", "operator"],
        env=secured.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = made.stdout.strip()
    created = httpx.post(
        f"{secured.api}/charge-points", json={"id": "CLI-TOKEN-CP"}, headers=_bearer(token)
    )
    assert created.status_code == 200, created.text


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("gateway", "/health"),
        ("api", "/health"),
        ("api_gateway", "/api/v1/edge/health"),
        ("api_gateway", "/api/v1/chargepoint/health"),
        ("api_gateway", "/api/v1/transaction/health"),
        ("api_gateway", "/api/v1/auth/health"),
        ("gateway", "/openapi.json"),
        ("api", "/openapi.json"),
        ("api_gateway", "/openapi.json"),
    ],
)
def test_health_and_the_api_documents_need_no_token(secured: System, base: str, path: str) -> None:
    reply = httpx.get(f"{getattr(secured, base)}{path}")
    assert reply.status_code == 200, reply.text


async def test_a_charge_point_connects_without_an_api_token(secured: System) -> None:
    async with connect(f"{secured.ocpp_url}/JWT-CP-1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                [
                    2,
                    "1",
                    "BootNotification",
                    {"chargePointVendor": "E2E", "chargePointModel": "Jwt"},
                ]
            )
        )
        reply = json.loads(await ws.recv())
        assert reply[0] == 3 and reply[2]["status"] == "Accepted"
        async with httpx.AsyncClient() as client:
            listed = await client.get(
                f"{secured.gateway}/connections", headers=_bearer(_token(secured, Role.VIEWER))
            )
        assert "JWT-CP-1" in [c["chargePointId"] for c in listed.json()["connections"]]


def test_grpc_through_envoy_needs_a_token_too(secured: System) -> None:
    address = f"127.0.0.1:{secured.port('CSMS_CHARGEPOINT_API_PORT')}"
    with grpc.insecure_channel(address) as channel:
        stub = chargepoint_pb2_grpc.ChargePointServiceStub(channel)
        with pytest.raises(grpc.RpcError) as missing:
            stub.ListChargePoints(chargepoint_pb2.ListChargePointsRequest(), timeout=10)
        assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
        viewer = (("authorization", f"Bearer {_token(secured, Role.VIEWER)}"),)
        stub.ListChargePoints(
            chargepoint_pb2.ListChargePointsRequest(), metadata=viewer, timeout=10
        )
        with pytest.raises(grpc.RpcError) as denied:
            stub.CreateChargePoint(
                chargepoint_pb2.CreateChargePointRequest(id="GRPC-VIEWER"),
                metadata=viewer,
                timeout=10,
            )
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_tls_listener_needs_a_token_too(secured: System) -> None:
    ca = Path(secured.env["CSMS_DATA_DIR"]) / "pki" / "ca.pem"
    context = ssl.create_default_context(cafile=str(ca))
    url = f"https://127.0.0.1:{secured.port('CSMS_OCPP_TLS_PORT')}"
    with httpx.Client(verify=context) as client:
        assert "Jwt is missing" in _refused(client.get(f"{url}/connections"), 401, 16)
        viewer = _bearer(_token(secured, Role.VIEWER))
        assert client.get(f"{url}/connections", headers=viewer).status_code == 200
        _refused(client.delete(f"{url}/connections/ANY", headers=viewer), 403, 7)
        assert client.get(f"{url}/health").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "wrong"),
    [
        ("GET", "/api/v1/transactions/not-a-number", None, 400),  # a bad path value
        ("GET", "/api/v1/charge-points?colour=blue", None, 400),  # an unknown parameter
        ("POST", "/api/v1/charge-points", b"{not json", 400),  # a body that is not JSON
        ("PUT", "/api/v1/charge-points/X/configuration/K", b'{"value": 5}', 400),
        ("GET", "/api/v1/no/such/path", None, 404),
    ],
)
def test_who_may_call_is_decided_before_what_was_asked(
    secured: System, method: str, path: str, body: bytes | None, wrong: int
) -> None:
    def ask(role: Role | None) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if role is not None:
            headers.update(_bearer(_token(secured, role)))
        return httpx.request(method, f"{secured.api_gateway}{path}", content=body, headers=headers)

    assert "Jwt is missing" in _refused(ask(None), 401, 16)
    if method != "GET":
        _refused(ask(Role.VIEWER), 403, 7)
    operator = ask(Role.OPERATOR)
    assert operator.status_code == wrong, operator.text
    assert operator.headers["content-type"] == "application/json"
