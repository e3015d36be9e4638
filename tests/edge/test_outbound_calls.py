"""OutboundCalls without sockets: what leaves, in which order, and what each caller is told
(OCPP-J 1.6 §4.1.1, one CALL outstanding at a time)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import pytest
from ocpp.messages import Call, CallError, CallResult

from edge.operations.errors import (
    ConnectionLost,
    DisconnectedBeforeSending,
    InvalidAnswer,
    NoAnswer,
    NotConnected,
    NotSent,
)
from edge.outbound_calls import Answered, OutboundCalls, Routed
from servicekit.clock import FixedClock

pytestmark = pytest.mark.unit


SENT_AT = datetime(2026, 12, 7, 16, 0, 0, 123000, tzinfo=UTC)
# Long enough never to pass during a test that does not wait for it.
LONG = 60.0


class Wire:
    """The frames sent, each with an event set when it is sent."""

    def __init__(self) -> None:
        self.frames: list[list[object]] = []
        self.sent = asyncio.Event()

    async def send(self, frame: str) -> None:
        self.frames.append(json.loads(frame))
        self.sent.set()

    async def next_frame(self, count: int) -> list[object]:
        """The ``count``-th frame (1-based), once it has been sent."""
        while len(self.frames) < count:
            self.sent.clear()
            await asyncio.wait_for(self.sent.wait(), 10)
        return self.frames[count - 1]

    def actions(self) -> list[object]:
        return [frame[2] for frame in self.frames]


def _calls(wire: Wire) -> OutboundCalls:
    return OutboundCalls("CP-1", wire.send, FixedClock(SENT_AT))


def _frame(unique_id: str, action: str) -> str:
    return str(Call(unique_id, action, {}).to_json())


def _start(
    calls: OutboundCalls, unique_id: str, action: str, budget: float
) -> asyncio.Task[Answered]:
    return asyncio.ensure_future(calls.call(unique_id, action, _frame(unique_id, action), budget))


async def _queued(calls: OutboundCalls, count: int) -> None:
    await asyncio.sleep(0)  # the callers' tasks take their first step: they join the line
    assert calls.waiting == count


async def test_a_call_leaves_only_after_the_previous_one_is_answered() -> None:
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", LONG)
    second = _start(calls, "2", "ClearCache", LONG)
    await wire.next_frame(1)
    await _queued(calls, 1)
    assert wire.actions() == ["Reset"]
    assert calls.answer(CallResult("1", {"status": "Accepted"})) is Routed.ANSWER
    assert (await first).message.payload == {"status": "Accepted"}
    assert (await wire.next_frame(2))[2] == "ClearCache"
    calls.answer(CallResult("2", {"status": "Rejected"}))
    assert (await second).message.payload == {"status": "Rejected"}
    assert calls.idle


async def test_calls_whose_deadline_passes_in_line_are_never_sent() -> None:
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", 0.3)
    await wire.next_frame(1)
    queued = [_start(calls, "2", "UnlockConnector", 0.4), _start(calls, "3", "ClearCache", 0.4)]
    with pytest.raises(NoAnswer) as no_answer:
        await first
    assert str(no_answer.value) == (
        "charge point CP-1 did not answer Reset within 0.3 s; it was sent at "
        "2026-12-07T16:00:00.123Z, so the station may have acted on it: check before retrying"
    )
    for task in queued:
        with pytest.raises(NotSent):
            await task
    # Their turn came after the first timed out, too late to be answered: nothing else left.
    assert wire.actions() == ["Reset"]


async def test_not_sent_names_what_the_call_waited_behind() -> None:
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    second = _start(calls, "2", "UnlockConnector", LONG)
    third = _start(calls, "3", "ClearCache", 0.2)
    with pytest.raises(NotSent) as raised:
        await third
    assert str(raised.value) == (
        "ClearCache was not sent to charge point CP-1: it was still queued behind Reset (sent "
        "at 2026-12-07T16:00:00.123Z, not yet answered) and 1 earlier call(s) not yet sent "
        "(UnlockConnector) when its 0.2 s deadline passed; nothing reached the station, so it "
        "is safe to retry"
    )
    info = raised.value.error_info()
    assert info is not None
    assert (info.reason, dict(info.metadata)) == (
        "OCPP_CALL_NOT_SENT",
        {"action": "ClearCache", "sent": "false"},
    )
    calls.close()
    for task in (first, second):
        with pytest.raises((ConnectionLost, DisconnectedBeforeSending)):
            await task


async def test_a_call_expiring_behind_one_whose_turn_just_came_names_the_call_out() -> None:
    # All three deadlines fall due in one turn of the event loop (the loop is held past
    # them): the Reset times out and hands the slot to UnlockConnector, whose task has not
    # run yet when ClearCache's deadline passes in line. ClearCache still waited behind the
    # Reset, and says so.
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", 0.3)
    await wire.next_frame(1)
    queued = [_start(calls, "2", "UnlockConnector", 0.3), _start(calls, "3", "ClearCache", 0.3)]
    await _queued(calls, 2)
    time.sleep(0.5)  # noqa: ASYNC251 - holds the event loop on purpose: every timer falls due
    with pytest.raises(NoAnswer):
        await first
    for task, action in zip(queued, ["UnlockConnector", "ClearCache"], strict=True):
        with pytest.raises(NotSent) as raised:
            await task
        assert str(raised.value).startswith(
            f"{action} was not sent to charge point CP-1: it was queued behind Reset (sent at "
            "2026-12-07T16:00:00.123Z), which was not done until too close to its 0.3 s "
            "deadline"
        ), str(raised.value)
    assert wire.actions() == ["Reset"]


async def test_a_caller_that_gives_up_keeps_its_sent_call_outstanding_until_answered() -> None:
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    second = _start(calls, "2", "ClearCache", LONG)
    await _queued(calls, 1)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    # Reset is still out at the station: ClearCache waits for its answer.
    for _ in range(10):
        await asyncio.sleep(0)
    assert wire.actions() == ["Reset"] and not second.done()
    assert calls.answer(CallResult("1", {"status": "Accepted"})) is Routed.ANSWER
    assert (await wire.next_frame(2))[2] == "ClearCache"
    calls.answer(CallResult("2", {"status": "Accepted"}))
    await second


async def test_a_caller_that_gives_up_in_line_is_never_sent() -> None:
    wire = Wire()
    calls = _calls(wire)
    first = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    second = _start(calls, "2", "UnlockConnector", LONG)
    third = _start(calls, "3", "ClearCache", LONG)
    await _queued(calls, 2)
    second.cancel()
    calls.answer(CallResult("1", {"status": "Accepted"}))
    await first
    assert (await wire.next_frame(2))[2] == "ClearCache"
    calls.answer(CallResult("3", {"status": "Accepted"}))
    await third
    assert wire.actions() == ["Reset", "ClearCache"]


async def test_a_late_answer_is_ignored_and_the_next_call_still_gets_its_own() -> None:
    wire = Wire()
    calls = _calls(wire)
    with pytest.raises(NoAnswer):
        await _start(calls, "1", "Reset", 0.2)
    second = _start(calls, "2", "ClearCache", LONG)
    await wire.next_frame(2)
    assert calls.answer(CallResult("1", {"status": "Accepted"})) is Routed.LATE
    assert not second.done()
    assert calls.answer(CallResult("2", {"status": "Rejected"})) is Routed.ANSWER
    assert (await second).message.payload == {"status": "Rejected"}


@pytest.mark.parametrize(
    ("response", "verdict", "outcome"),
    [
        (CallResult("x9", {"status": "Accepted"}), Routed.WRONG, InvalidAnswer),
        (CallError("x9", "GenericError", "no", {}), Routed.WRONG, InvalidAnswer),
        # OCPP 2.0.1 Part 4 §4.2.3: the station could not read the CALL's message id.
        (CallError("-1", "RpcFrameworkError", "unreadable", {}), Routed.ANSWER, None),
    ],
    ids=["result-unknown-id", "error-unknown-id", "error-id-minus-one"],
)
async def test_an_answer_with_an_id_we_never_sent_ends_the_outstanding_call_at_once(
    response: CallResult | CallError, verdict: Routed, outcome: type[Exception] | None
) -> None:
    wire = Wire()
    calls = _calls(wire)
    pending = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    assert calls.answer(response) is verdict
    if outcome is None:
        assert (await pending).message is response
        return
    with pytest.raises(outcome) as raised:
        await pending
    assert str(raised.value) == (
        "charge point CP-1 answered Reset with a payload that is not valid OCPP: its "
        f"{'CALLERROR' if isinstance(response, CallError) else 'CALLRESULT'} carries message "
        "id 'x9', but the outstanding Reset CALL has id '1'"
    )


def test_an_answer_while_nothing_is_outstanding_is_stray() -> None:
    calls = _calls(Wire())
    assert calls.answer(CallResult("1", {})) is Routed.STRAY
    assert calls.unreadable_answer("1", "payload must be an object") is Routed.STRAY


async def test_an_unreadable_answer_to_the_outstanding_call_fails_it_at_once() -> None:
    wire = Wire()
    calls = _calls(wire)
    pending = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    assert calls.unreadable_answer("other", "payload must be an object") is Routed.STRAY
    assert not pending.done()
    verdict = calls.unreadable_answer("1", "in this CALLRESULT, payload must be an object")
    assert verdict is Routed.WRONG
    with pytest.raises(InvalidAnswer, match="payload must be an object"):
        await pending


async def test_a_close_fails_the_sent_call_and_the_queued_ones_differently() -> None:
    wire = Wire()
    calls = _calls(wire)
    sent = _start(calls, "1", "Reset", LONG)
    await wire.next_frame(1)
    queued = _start(calls, "2", "ClearCache", LONG)
    await _queued(calls, 1)
    calls.close()
    with pytest.raises(ConnectionLost) as lost:
        await sent
    assert lost.value.status.name == "ABORTED"
    assert str(lost.value) == (
        "charge point CP-1 closed its connection after Reset was sent at "
        "2026-12-07T16:00:00.123Z and before answering it; the station may have acted on it "
        "(a Reset reboots it): check before retrying"
    )
    with pytest.raises(DisconnectedBeforeSending) as disconnected:
        await queued
    assert str(disconnected.value) == (
        "ClearCache was not sent: charge point CP-1 disconnected while it waited behind Reset "
        "(sent at 2026-12-07T16:00:00.123Z, not yet answered); nothing reached the station, "
        "so it is safe to retry once the station is connected"
    )
    with pytest.raises(NotConnected):
        await calls.call("3", "Reset", _frame("3", "Reset"), LONG)
    assert wire.actions() == ["Reset"]


async def test_a_send_the_station_does_not_drain_still_ends_at_the_deadline() -> None:
    # A station that stops reading its socket holds a send up once the buffer is full.
    held = asyncio.Event()

    async def stuck(frame: str) -> None:
        held.set()
        await asyncio.Event().wait()

    calls = OutboundCalls("CP-1", stuck, FixedClock(SENT_AT))
    pending = _start(calls, "1", "Reset", 0.3)
    await held.wait()
    with pytest.raises(NoAnswer, match=r"sent at 2026-12-07T16:00:00\.123Z"):
        await asyncio.wait_for(pending, 10)
