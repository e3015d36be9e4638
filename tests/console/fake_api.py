"""A fake of the public REST API for the console's page tests: canned answers for a fleet
of one station (``CP-1``), its session, journal and operations, the statistics and the
services, and the real ``csms/openapi.json``; every request recorded. Shapes as in the
OpenAPI document (lowerCamelCase, int64 as strings)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx

OPENAPI = Path(__file__).resolve().parents[2] / "csms" / "openapi.json"
STATION = "CP-1"

CHARGE_POINT = {
    "id": STATION,
    "registrationStatus": "ACCEPTED",
    "vendor": "V",
    "model": "M1",
    "ocppVersion": "1.6",
    "lastSeenAt": "2026-12-07T10:00:00Z",
    "connectors": [
        {"evseId": 0, "connectorId": 0, "status": "AVAILABLE"},
        {"evseId": 1, "connectorId": 1, "status": "CHARGING", "statusAt": "2026-12-07T09:00:00Z"},
    ],
}
TRANSACTION = {
    "id": "42",
    "chargePointId": STATION,
    "evseId": 1,
    "idTag": "TAG-1",
    "startedAt": "2026-12-07T09:00:00Z",
    "energyWh": "1500",
    "meterValues": [
        {
            "timestamp": "2026-12-07T09:01:00Z",
            "sampledValues": [
                {"measurand": "Power.Active.Import", "value": "7000", "unit": "W"},
                {"measurand": "Energy.Active.Import.Register", "value": "100", "unit": "Wh"},
            ],
        }
    ],
}
STATISTICS = {
    "activeConnections": 3,
    "connectionsByVersion": {"1.6": 2, "2.0.1": 1},
    "connectionsOpened": "10",
    "connectionsClosed": "7",
    "handshakesRefused": "2",
    "messagesReceived": "500",
    "messagesSent": "400",
    "callErrorsByCode": {"FormationViolation": "4", "NotImplemented": "1"},
    "errorRate": 0.0125,
    "callsReceived": "400",
    "actions": [
        {
            "action": "Heartbeat",
            "direction": "received",
            "count": "300",
            "errors": "0",
            "p50Ms": 1.5,
            "p95Ms": 3.0,
            "p99Ms": 4.25,
            "maxMs": 9.0,
        },
        {
            "action": "BootNotification",
            "direction": "received",
            "count": "12",
            "errors": "4",
            "p50Ms": 12.0,
            "p95Ms": 30.0,
            "p99Ms": 55.5,
            "maxMs": 70.0,
        },
    ],
    "transactionsActive": "1",
    "transactionsCompleted": "-1",
    "since": "2026-12-07T08:00:00Z",
    "replicas": 2,
}
SERVICES = {
    "services": [
        {"component": "edge", "address": "10.0.0.1:50054", "status": "SERVING", "version": "0.1"},
        {
            "component": "edge",
            "address": "10.0.0.2:50054",
            "status": "UNREACHABLE",
            "detail": "UNAVAILABLE: connection refused",
        },
        {"component": "chargepoint", "address": "cp:50051", "status": "SERVING"},
        {"component": "transaction", "address": "tx:50052", "status": "SERVING"},
        {"component": "auth", "address": "auth:50053", "status": "SERVING"},
    ]
}
MESSAGES = {
    "messages": [
        {
            "at": "2026-12-07T09:00:03.500Z",
            "direction": "OUT",
            "messageType": "CALL_RESULT",
            "messageId": "m1",
            "action": "BootNotification",
            "payload": '{"status": "Accepted"}',
        },
        {
            "at": "2026-12-07T09:00:01Z",
            "direction": "IN",
            "messageType": "CALL",
            "messageId": "m1",
            "action": "BootNotification",
            "payload": "{}",
        },
        {
            "at": "2026-12-07T08:59:00Z",
            "direction": "OUT",
            "messageType": "CALL_ERROR",
            "messageId": "m0",
            "action": "Heartbeat",
            "payload": '["FormationViolation", "bad", {}]',
        },
        {
            "at": "2026-12-07T08:58:59.900Z",
            "direction": "IN",
            "messageType": "CALL",
            "messageId": "m0",
            "action": "Heartbeat",
            "payload": "{",
        },
    ],
    "nextPageToken": "older",
}


class FakeApi:
    """The REST API's answers for one station, a fleet of one and the statistics; records
    every request. ``refuse`` makes it answer 401 to all but /openapi.json."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.refuse = False
        self.document = OPENAPI.read_bytes()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/openapi.json":
            return httpx.Response(200, content=self.document)
        if self.refuse:
            return httpx.Response(401, json={"code": 16, "message": "Jwt is missing"})
        body = self.answer(request.method, path)
        if body is None:
            return httpx.Response(404, json={"code": 5, "message": f"no {path}"})
        return httpx.Response(200, json=body)

    def answer(self, method: str, path: str) -> dict[str, Any] | None:
        station = f"/api/v1/charge-points/{STATION}"
        if method != "GET":
            return {"status": "Accepted"} if path.startswith(station + "/") else None
        answers: dict[str, dict[str, Any]] = {
            "/api/v1/charge-points": {
                "chargePoints": [CHARGE_POINT],
                "totalSize": 1,
                "nextPageToken": "page-2",
            },
            station: CHARGE_POINT,
            f"{station}/messages": MESSAGES,
            f"{station}/configuration": {"configurationKeys": [{"key": "HeartbeatInterval"}]},
            "/api/v1/connections": {
                "connections": [{"chargePointId": STATION, "ocppVersion": "1.6"}]
            },
            "/api/v1/fleet/summary": {
                "totalStations": 1,
                "stationsByRegistrationStatus": {"ACCEPTED": 1, "PENDING": 0, "REJECTED": 0},
                "stationsByOcppVersion": {"1.6": 1, "2.0.1": 0, "2.1": 0},
                "connectorsByStatus": {"CHARGING": 1, "AVAILABLE": 0},
                "vendors": [{"value": "V", "count": 1}],
                "models": [{"value": "M1", "count": 1}],
            },
            "/api/v1/statistics": STATISTICS,
            "/api/v1/services": SERVICES,
            # As the API lists them: without their meter values, which each record has.
            "/api/v1/transactions": {
                "transactions": [{**TRANSACTION, "meterValues": []}],
                "totalSize": 1,
            },
            f"/api/v1/transactions/{TRANSACTION['id']}": TRANSACTION,
        }
        return answers.get(path)

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]


def token(role: str) -> str:
    def part(value: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part({'role': role, 'sub': f'a-{role}'})}.c2ln"
