"""Every component of ``csms up`` serves /metrics: after a station boots and beats, the
edge shows the OCPP actions and the charge point service the RecordBoot calls it served."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import ClientConnection, connect

from tests.support.system import System
from tests.support.waiting import settled

pytestmark = pytest.mark.e2e

BOOT = {"chargePointVendor": "E2E", "chargePointModel": "Metrics"}


async def _call(ws: ClientConnection, message_id: str, action: str, payload: Any) -> list[Any]:
    await ws.send(json.dumps([2, message_id, action, payload]))
    return list(json.loads(await ws.recv()))


async def _samples(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with httpx.AsyncClient() as client:
        answer = await client.get(url)
    assert answer.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_every_component_reports_the_traffic_of_a_station(system: System) -> None:
    urls = system.metrics_urls()
    async with connect(f"{system.ocpp_url}/E2E-METRICS-1", subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
        assert (await _call(ws, "1", "BootNotification", BOOT))[2]["status"] == "Accepted"
        assert (await _call(ws, "2", "Heartbeat", {}))[0] == 3
        assert (await _call(ws, "3", "MakeCoffee", {}))[:3] == [4, "3", "NotImplemented"]
        edge = await _samples(urls["edge-1"])
        assert _value(edge, "csms_ocpp_connections_active", version="1.6") >= 1

    # The edge counts a CALL once its answer is on the way, and a closed session once
    # the socket has closed on its side too.
    edge = await settled(
        lambda: _when(urls["edge-1"], "csms_ocpp_connections_closed_total"),
        what="the closed connection counted",
    )
    for action in ("BootNotification", "Heartbeat"):
        assert (
            _value(edge, "csms_ocpp_call_seconds_count", action=action, direction="received") >= 1
        )
    assert _value(edge, "csms_ocpp_call_errors_sent_total", code="NotImplemented") >= 1
    assert _value(edge, "csms_ocpp_connections_opened_total") >= 1
    # The edge's own calls to the charge point service, seen from its side.
    assert (
        _value(
            edge,
            "csms_grpc_client_handling_seconds_count",
            service="csms.chargepoint.v1.ChargePointService",
            method="RecordBoot",
            code="OK",
        )
        >= 1
    )

    chargepoint = await _samples(urls["chargepoint"])
    assert (
        _value(
            chargepoint,
            "csms_grpc_server_handling_seconds_count",
            service="csms.chargepoint.v1.ChargePointService",
            method="RecordBoot",
            code="OK",
        )
        >= 1
    )
    for name in ("transaction", "auth"):
        families = await _samples(urls[name])
        assert any(key[0].startswith("csms_grpc_server_handling_seconds") for key in families)


async def _when(url: str, name: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
    """The samples at ``url`` once ``name`` is at least 1."""
    samples = await _samples(url)
    return samples if _value(samples, name) >= 1 else None


def test_the_banner_lists_the_metrics_endpoints(system: System) -> None:
    line = next(line for line in system.log().splitlines() if "Metrics " in line)
    assert f":{system.port('CSMS_METRICS_PORT') + 1}-" in line
