"""Bad REST requests through Envoy get the right HTTP status and a JSON message, and
nothing stored is touched."""

from __future__ import annotations

import httpx
import pytest

from tests.support.system import System

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
    assert reply.status_code == 404 or reply.headers.get("grpc-status") not in (None, "0")
    assert httpx.get(f"{system.api}/charge-points/RecordBoot").status_code == 404
