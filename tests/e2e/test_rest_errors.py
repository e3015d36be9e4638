"""Bad REST requests through Envoy get the right HTTP status and a JSON message, and
nothing stored is touched."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from launcher.envoy_config import ROUTE_TIMEOUT
from launcher.envoy_limits import MAX_REST_BODY_BYTES
from tests.support.databases import postgres_database
from tests.support.ports import free_port
from tests.support.remote_station import remote_station_at
from tests.support.system import System, running_system
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e


def test_create_then_get_and_list_a_charge_point(system: System) -> None:
    created = httpx.post(f"{system.api}/charge-points", json={"id": "REST-CP-1"})
    assert created.status_code == 200, created.text
    assert created.json()["registrationStatus"] == "ACCEPTED"
    pending = httpx.post(
        f"{system.api}/charge-points", json={"id": "REST-CP-2", "registrationStatus": "PENDING"}
    )
    assert pending.json()["registrationStatus"] == "PENDING"
    fetched = httpx.get(f"{system.api}/charge-points/REST-CP-1")
    assert fetched.json()["id"] == "REST-CP-1"
    ids = [cp["id"] for cp in httpx.get(f"{system.api}/charge-points").json()["chargePoints"]]
    assert {"REST-CP-1", "REST-CP-2"} <= set(ids)


def test_duplicate_charge_point_is_a_conflict(system: System) -> None:
    httpx.post(f"{system.api}/charge-points", json={"id": "REST-DUP"})
    again = httpx.post(f"{system.api}/charge-points", json={"id": "REST-DUP"})
    assert again.status_code == 409
    assert "REST-DUP" in again.json()["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/charge-points/NO-SUCH-CP", 404),
        ("/transactions/987654", 404),
        ("/transactions/not-a-number", 400),
        ("/charge-points?pageToken=%%%", 400),
        ("/charge-points?colour=blue", 400),
        ("/no/such/path", 404),
    ],
)
def test_bad_reads(system: System, path: str, status: int) -> None:
    reply = httpx.get(f"{system.api}{path}")
    assert reply.status_code == status, reply.text


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", ""),
        (b'{"id": 42}', ""),
        (b'{"id": "has spaces"}', "has spaces"),
        (b'{"id": ""}', ""),
        (b'{"id": "OK-ID", "registrationStatus": "SOMETIMES"}', ""),
        (b"[1, 2]", ""),
    ],
)
def test_bad_create_bodies_are_400_with_a_message(system: System, body: bytes, needle: str) -> None:
    before = httpx.get(f"{system.api}/charge-points").json()["chargePoints"]
    reply = httpx.post(
        f"{system.api}/charge-points", content=body, headers={"content-type": "application/json"}
    )
    assert reply.status_code == 400, reply.text
    assert reply.text, "the error must say what was wrong"
    assert needle in reply.text
    after = httpx.get(f"{system.api}/charge-points").json()["chargePoints"]
    assert after == before


def test_unknown_body_fields_are_ignored_as_proto3_json_says(system: System) -> None:
    # Envoy's transcoder drops fields the message does not define (the proto3 JSON mapping);
    # the README says so. The known fields still apply.
    reply = httpx.post(
        f"{system.api}/charge-points",
        json={"id": "REST-EXTRA", "registrationStatus": "REJECTED", "colour": "blue"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["registrationStatus"] == "REJECTED"
    assert "colour" not in reply.json()


def test_error_bodies_are_json_with_code_and_message(system: System) -> None:
    reply = httpx.get(f"{system.api}/charge-points/NOPE")
    body = reply.json()
    assert body["code"] == 5  # NOT_FOUND
    assert "NOPE" in body["message"]


def test_internal_rpcs_are_not_reachable_through_envoy(system: System) -> None:
    reply = httpx.post(
        f"{system.api}/csms.chargepoint.v1.ChargePointService/RecordBoot",
        content=b"\x00\x00\x00\x00\x00",
        headers={"content-type": "application/grpc"},
    )
    # No route for the method: a gRPC caller gets gRPC's UNIMPLEMENTED (12).
    assert (reply.status_code, reply.headers.get("grpc-status")) == (200, "12")
    assert httpx.get(f"{system.api}/charge-points/RecordBoot").status_code == 404


# Every error a REST client can get, as the README's tables list them ("What comes back
# when something is wrong", the REST rows of "Hostile input"): each is JSON
# {"code", "message", "details"} (google.rpc.Status), whoever answered it (a component
# through the transcoder, or Envoy itself).


def _status_json(reply: httpx.Response, status: int, code: int) -> dict[str, Any]:
    """The reply is ``status`` with a google.rpc.Status of ``code`` as JSON; returns it."""
    assert reply.status_code == status, (reply.headers, reply.text[:500])
    assert reply.headers["content-type"] == "application/json", reply.headers
    body: dict[str, Any] = reply.json()
    assert body["code"] == code, body
    assert body["message"], body
    assert isinstance(body.get("details", []), list), body
    return body


async def _request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    # Longer than any deadline on the way, so the system's own answer is what arrives.
    async with httpx.AsyncClient(timeout=ROUTE_TIMEOUT + 30) as client:
        return await client.request(method, url, **kwargs)


def _operation(
    system: System, charge_point_id: str, path: str, body: dict[str, Any]
) -> asyncio.Future[httpx.Response]:
    """A typed operation under way while the test plays the station."""
    url = f"{system.api_gateway}/api/v1/charge-points/{charge_point_id}/{path}"
    return asyncio.ensure_future(_request("POST", url, json=body))


async def test_a_station_callerror_is_json_with_its_ocpp_code_and_description(
    system: System,
) -> None:
    async with remote_station_at(system.ocpp_url, "REST-REFUSER") as station:
        pending = _operation(system, "REST-REFUSER", "reset", {"type": "HARD"})
        frame = await station.next_call()
        assert frame[2] == "Reset"
        await station.refuse(frame, "NotSupported", "no hard reset here", {"why": "test"})
        body = _status_json(await pending, 400, 9)  # FAILED_PRECONDITION
    assert "REST-REFUSER answered Reset with NotSupported" in body["message"]
    (info,) = body["details"]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "OCPP_CALL_ERROR"
    assert info["metadata"] == {"code": "NotSupported", "description": "no hard reset here"}


async def test_a_silent_station_is_a_json_504_from_the_edge_not_envoy(system: System) -> None:
    # The edge's wait (RESPONSE_TIMEOUT) ends before Envoy's route timeout, so the 504
    # names the station and the action; Envoy's would only say "upstream request timeout".
    async with remote_station_at(system.ocpp_url, "REST-SILENT") as station:
        pending = _operation(system, "REST-SILENT", "unlock", {"evseId": 1})
        assert (await station.next_call())[2] == "UnlockConnector"
        body = _status_json(await pending, 504, 4)  # DEADLINE_EXCEEDED
    assert "REST-SILENT did not answer UnlockConnector" in body["message"]


def test_an_operation_on_a_station_that_is_not_connected_is_a_json_404(system: System) -> None:
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points/REST-NOWHERE/reset", json={"type": "SOFT"}
    )
    assert "REST-NOWHERE is not connected" in _status_json(reply, 404, 5)["message"]


async def test_an_operation_the_station_version_lacks_is_a_json_501(system: System) -> None:
    async with remote_station_at(system.ocpp_url, "REST-OLD"):
        reply = await _request(
            "GET", f"{system.api_gateway}/api/v1/charge-points/REST-OLD/transaction-status"
        )
    assert "1.6" in _status_json(reply, 501, 12)["message"]  # UNIMPLEMENTED


async def test_a_payload_violating_the_ocpp_schema_is_a_json_400(system: System) -> None:
    async with remote_station_at(system.ocpp_url, "REST-SCHEMA"):
        reply = await _request(
            "POST",
            f"{system.gateway}/connections/REST-SCHEMA/send",
            json={"action": "Reset", "payload": {"type": "Sideways"}},
        )
    assert "Sideways" in _status_json(reply, 400, 3)["message"]


@pytest.mark.parametrize(
    ("method", "url", "body", "needle"),
    [
        ("POST", "{api_gateway}/api/v1/charge-points", b"{not json", "Expected"),
        ("POST", "{api_gateway}/api/v1/charge-points", b'{"id": 42}', "id"),
        ("GET", "{api}/transactions/not-a-number", None, "not-a-number"),
        ("GET", "{api}/charge-points?colour=blue", None, "colour"),
        ("POST", "{api}/charge-points", b'{"id": "has spaces"}', "has spaces"),
        ("POST", "{api}/charge-points", b'{"id": "E", "registrationStatus": "SOMETIMES"}', "SOME"),
    ],
)
def test_a_wrong_request_is_a_json_400_saying_what_was_wrong(
    system: System, method: str, url: str, body: bytes | None, needle: str
) -> None:
    reply = httpx.request(
        method,
        url.format(api=system.api, api_gateway=system.api_gateway),
        content=body,
        headers={"content-type": "application/json"},
    )
    assert needle in _status_json(reply, 400, 3)["message"]


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("api", "/no/such/path"),
        ("api_gateway", "/api/v1/no/such/path"),
        ("api_gateway", "/no/such/path"),
        ("gateway", "/no/such/path"),
    ],
)
def test_a_path_with_no_method_is_a_json_404(system: System, base: str, path: str) -> None:
    reply = httpx.get(f"{getattr(system, base)}{path}")
    _status_json(reply, 404, 5)


def test_a_body_over_the_limit_is_a_json_413(system: System) -> None:
    body = b'{"id": "' + b"A" * MAX_REST_BODY_BYTES + b'"}'
    reply = httpx.post(
        f"{system.api_gateway}/api/v1/charge-points",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert f"{MAX_REST_BODY_BYTES:,} bytes" in _status_json(reply, 413, 8)["message"]


@dataclass
class Reachable:
    """A system whose transaction service, and that service's PostgreSQL database, Envoy
    and the service reach through proxies a test can cut."""

    system: System
    service: TcpProxy
    database: TcpProxy


@pytest.fixture(scope="module")
def reachable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reachable]:
    grpc_port = free_port()
    with (
        postgres_database() as url,
        TcpProxy("127.0.0.1", grpc_port) as service,
        TcpProxy(make_url(url).host or "127.0.0.1", make_url(url).port or 5432) as database,
    ):
        proxied = make_url(url).set(port=database.port).render_as_string(hide_password=False)
        with running_system(
            tmp_path_factory.mktemp("csms-proxied"),
            CSMS_TRANSACTION_GRPC_PORT=str(grpc_port),
            CSMS_TRANSACTION_ADDRESS=service.address,
            CSMS_TRANSACTION_DATABASE_URL=proxied,
        ) as system:
            yield Reachable(system, service, database)


@pytest.mark.postgres
def test_a_service_without_its_database_is_a_json_503_with_the_reason(
    reachable: Reachable,
) -> None:
    url = f"{reachable.system.api_gateway}/api/v1/transactions/1"
    reachable.database.cut()
    try:
        body = _status_json(httpx.get(url, timeout=30), 503, 14)  # UNAVAILABLE
    finally:
        reachable.database.restore()
    assert "transaction database unavailable" in body["message"]
    (info,) = body["details"]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "DATABASE_UNAVAILABLE"
    # Back: the same request is answered by the service again.
    eventually(lambda: httpx.get(url, timeout=30).status_code == 404, what="the database back")


@pytest.mark.postgres
def test_a_component_envoy_cannot_reach_is_a_json_503(reachable: Reachable) -> None:
    url = f"{reachable.system.api_gateway}/api/v1/transactions"
    reachable.service.cut()
    try:
        body = _status_json(httpx.get(url, timeout=30), 503, 14)  # UNAVAILABLE
    finally:
        reachable.service.restore()
    assert "unreachable" in body["message"]
    assert body["details"] == []
    eventually(lambda: httpx.get(url, timeout=30).status_code == 200, what="the service back")
