"""The edge end to end over real sockets for OCPP 2.0.1: bad frames and bad calls get the 2.x
CALLERROR codes, and the session goes on."""

from __future__ import annotations

from typing import Any

import pytest

from edge.server import RunningEdge
from tests.edge.support.v2_station import (
    NOW,
    station,
)


@pytest.mark.parametrize(
    ("frame", "unique_id", "code", "words"),
    [
        ("not json", "-1", "RpcFrameworkError", "not valid JSON"),
        ('[2, "m1", "Heartbeat"]', "m1", "RpcFrameworkError", "a CALL has 4 elements"),
        ('[7, "m2", "Heartbeat", {}]', "m2", "MessageTypeNotSupported", "MessageTypeId 7"),
    ],
)
async def test_bad_frames_get_2x_codes(
    edge: RunningEdge, frame: str, unique_id: str, code: str, words: str
) -> None:
    async with station(edge) as cp:
        reply = await cp.raw(frame)
        assert reply[:3] == [4, unique_id, code]
        assert words in reply[3]
        await cp.still_works()


@pytest.mark.parametrize(
    ("action", "payload", "code", "words"),
    [
        ("GetCertificateStatus", {}, "ProtocolError", "'ocspRequestData' is a required property"),
        ("StartTransaction", {}, "NotImplemented", "'StartTransaction' is not an OCPP 2.0.1"),
        ("Heartbeat", {"extra": 1}, "FormatViolation", "'extra' was unexpected"),
        ("Authorize", {}, "ProtocolError", "'idToken' is a required property"),
        (
            "StatusNotification",
            {"timestamp": NOW, "connectorStatus": "Charging", "evseId": 1, "connectorId": 1},
            "PropertyConstraintViolation",
            "connectorStatus: 'Charging' is not one of",
        ),
        (
            "MeterValues",
            {"evseId": 1, "meterValue": []},
            "OccurenceConstraintViolation",
            "meterValue",
        ),
    ],
)
async def test_bad_calls_get_a_2x_callerror(
    edge: RunningEdge, action: str, payload: dict[str, Any], code: str, words: str
) -> None:
    async with station(edge) as cp:
        reply = await cp.call(action, payload)
        assert reply[0] == 4
        assert reply[2] == code, reply
        assert words in reply[3], reply[3]
        await cp.still_works()
