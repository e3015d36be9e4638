"""InboundFrames without a socket: frame text in, decision out."""

from __future__ import annotations

import asyncio
import json

import pytest
from ocpp.messages import Call

from edge.inbound_frames import Close, InboundFrames, Refusal
from edge.ocpp_version import OCPP16, OCPP21, OCPP201, OcppVersion
from edge.outbound_calls import OutboundCalls
from edge.rate_limit import CLOSE_CODE, REFUSAL_CODE, MessageLimit, RateLimit
from edge.statistics import TrafficStatistics
from servicekit.clock import SystemClock

pytestmark = pytest.mark.unit


KNOWN = frozenset({"Heartbeat"})


class Clock:
    """A monotonic clock that stands still: a bucket refills only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _frames(
    version: OcppVersion = OCPP16, rate_limit: RateLimit | None = None
) -> tuple[InboundFrames, TrafficStatistics]:
    statistics = TrafficStatistics(SystemClock())
    return InboundFrames("CP-1", version, KNOWN, rate_limit, statistics), statistics


def _error(decision: object) -> list[object]:
    assert isinstance(decision, Refusal)
    return list(json.loads(decision.frame))


def test_a_well_formed_call_is_to_be_answered() -> None:
    frames, _ = _frames()
    decision = frames.receive('[2,"m1","Heartbeat",{}]', None)
    assert isinstance(decision, Call)
    assert (decision.unique_id, decision.action, decision.payload) == ("m1", "Heartbeat", {})


def test_a_malformed_call_is_refused_in_its_version_s_words() -> None:
    # A payload that is no JSON object: OCPP-J 1.6 §4.2.3 has no RpcFrameworkError, 2.0.1
    # Part 4 §4.2.3 does.
    for version, code in ((OCPP16, "FormationViolation"), (OCPP201, "RpcFrameworkError")):
        frames, _ = _frames(version)
        refused = _error(frames.receive('[2,"m1","Heartbeat",[]]', None))
        assert refused[:3] == [4, "m1", code]


def test_text_that_is_no_frame_is_refused_with_the_unknown_id() -> None:
    frames, _ = _frames()
    assert _error(frames.receive("not json", None))[:2] == [4, "-1"]


def test_an_unknown_message_type_is_refused_but_a_2_1_send_is_not_answered() -> None:
    frames, _ = _frames(OCPP201)
    assert _error(frames.receive('[5,"m1","NotifyPeriodicEventStream",{}]', None))[2] == (
        "MessageTypeNotSupported"
    )
    frames, _ = _frames(OCPP21)
    assert frames.receive('[6,"m1","NotifyPeriodicEventStream",{}]', None) is None


def test_a_response_nobody_awaits_is_dropped() -> None:
    frames, _ = _frames()
    assert frames.receive('[3,"m1",{}]', None) is None


async def test_a_response_is_routed_to_the_outstanding_call() -> None:
    frames, _ = _frames()
    sent = asyncio.Event()

    async def send(_frame: str) -> None:
        sent.set()

    calls = OutboundCalls("CP-1", send, SystemClock())
    pending = asyncio.ensure_future(calls.call("r1", "Reset", '[2,"r1","Reset",{}]', 5.0))
    await sent.wait()
    assert frames.receive('[3,"r1",{"status":"Accepted"}]', calls) is None
    answered = await pending
    assert answered.message.payload == {"status": "Accepted"}


def test_over_the_limit_a_call_is_refused_then_the_station_closed() -> None:
    clock = Clock()
    limit = RateLimit(MessageLimit(rate=1.0, burst=1), clock)
    frames, _ = _frames(rate_limit=limit)
    assert isinstance(frames.receive('[2,"m1","Heartbeat",{}]', None), Call)
    assert _error(frames.receive('[2,"m2","Heartbeat",{}]', None))[:3] == [
        4,
        "m2",
        REFUSAL_CODE,
    ]
    closing = frames.receive('[2,"m3","Heartbeat",{}]', None)
    assert isinstance(closing, Close) and closing.code == CLOSE_CODE
