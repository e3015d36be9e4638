"""The CSMS's own CALLs to one station: one outstanding at a time, in the order asked, each
ending answered, timed out, or lost with the connection.

OCPP-J 1.6 §4.1.1 (and 2.0.1 Part 4 §4.1.1): a sender must not send a CALL before its
previous CALL has been answered or has timed out. :class:`OutboundCalls` keeps that rule
with one *slot*: a CALL takes the slot when it is first in line and the slot is free, and
gives it up when its answer arrives, when its deadline passes, or when the connection
closes. A caller who gives up early (the operator's client went away) does not free the
slot: its CALL is still out at the station until it is answered or its deadline passes.

Every call has one deadline, given by its caller, which bounds the whole wait: the time in
line and the time waiting for the answer. A CALL is sent only by its caller's own task,
after that task checked the deadline, so no CALL ever leaves after its caller was told it
failed; and every failure says whether the CALL was sent (:class:`NoAnswer` with its
sending time, :class:`NotSent` naming the CALL it waited behind, :class:`ConnectionLost`,
:class:`DisconnectedBeforeSending`).

The station's responses come in through :meth:`OutboundCalls.answer` and
:meth:`OutboundCalls.unreadable_answer`, and are told apart by their message id:

- the id of the outstanding CALL: its answer;
- the id of an earlier CALL that timed out: a late answer, ignored (OCPP-J: a response
  that answers no awaited CALL is ignored);
- any other id while a CALL is outstanding: the station answered the outstanding CALL
  wrongly (only one CALL of ours can be outstanding, so no other CALL can be meant). A
  CALLERROR with id "-1" is the station's refusal of a CALL whose id it could not read
  (OCPP 2.0.1 Part 4 §4.2.3) and is taken as the answer; any other response fails the
  call at once with :class:`InvalidAnswer` rather than leaving it to time out;
- any id while no CALL is outstanding: not ours, ignored.

A response too malformed to read (its payload not a JSON object, say) fails the
outstanding CALL at once when it carries that CALL's id; with any other id it is ignored,
as there is no telling what it was meant to be.

Pure asyncio: no sockets; the session gives it a function that sends a frame.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from ocpp.messages import CallError, CallResult

from edge.framing import UNKNOWN_ID
from edge.operations.errors import (
    ConnectionLost,
    DisconnectedBeforeSending,
    InvalidAnswer,
    NoAnswer,
    NotConnected,
    NotSent,
    iso_time,
    sent_words,
)
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)

# A CALL whose turn comes with less of its deadline left than this (or than half its
# deadline, if that is less) is not sent: no answer could come back in time, so the caller
# would be told "sent, no answer" about a CALL that never had a chance, and the station
# would act on it all the same.
ANSWER_WINDOW = 1.0

# How many ids of CALLs that timed out are remembered, so that their late answers are
# recognised (and ignored) rather than taken for a wrong answer to the outstanding CALL.
REMEMBERED_LATE = 16


class Routed(enum.Enum):
    """What a response of the station was to the CALLs of the CSMS."""

    ANSWER = "the answer to the outstanding CALL"
    WRONG = "a wrong answer to the outstanding CALL, which failed at once"
    LATE = "it is the late answer to a CALL that timed out"
    STRAY = "no CALL of ours awaits it"


@dataclass(frozen=True)
class Answered:
    """The station's answer to a CALL, and the seconds from sending to answer."""

    message: CallResult | CallError
    seconds: float


@dataclass(eq=False)
class _Call:
    """One CALL of the CSMS, from the moment it is asked for until it ends."""

    unique_id: str
    action: str
    budget: float
    deadline: float  # event loop time
    # Set when the slot is given to this call (it is first in line and the slot is free).
    turn: asyncio.Future[None]
    # The station's answer, or the reason there is none.
    outcome: asyncio.Future[CallResult | CallError]
    sent_at: datetime | None = None
    sent_at_loop: float = 0.0
    # The outstanding CALL this call waited behind last, in words ("" when none).
    followed: str = ""
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class OutboundCalls:
    """The CALLs of the CSMS to the charge point ``charge_point_id``, sent through ``send``."""

    def __init__(
        self, charge_point_id: str, send: Callable[[str], Awaitable[None]], clock: Clock
    ) -> None:
        self._id = charge_point_id
        self._send = send
        self._clock = clock
        self._line: deque[_Call] = deque()
        # The call holding the slot: given its turn, sent, and neither answered nor past
        # its deadline.
        self._slot: _Call | None = None
        self._late: deque[str] = deque(maxlen=REMEMBERED_LATE)
        self._closed = False

    @property
    def waiting(self) -> int:
        """How many calls are in line, not yet sent."""
        return sum(1 for pending in self._line if not pending.turn.done())

    @property
    def idle(self) -> bool:
        """Whether nothing is in line or outstanding, and no late answer is expected."""
        return self._slot is None and not self._line and not self._late

    async def call(self, unique_id: str, action: str, frame: str, budget: float) -> Answered:
        """Send ``frame`` (the CALL ``unique_id`` of ``action``) when its turn comes, and
        return the station's answer; ``budget`` seconds bound the whole wait.

        Raises :class:`NotSent` or :class:`NoAnswer` when the deadline passes before the
        turn or the answer, :class:`ConnectionLost` or :class:`DisconnectedBeforeSending`
        when the connection closes first, :class:`NotConnected` when it is closed already,
        and :class:`InvalidAnswer` for an answer that cannot be this CALL's.
        """
        if self._closed:
            raise NotConnected(self._id)
        loop = asyncio.get_running_loop()
        pending = _Call(
            unique_id,
            action,
            budget,
            loop.time() + budget,
            loop.create_future(),
            loop.create_future(),
        )
        self._line.append(pending)
        pending.timer = loop.call_at(pending.deadline, self._expire, pending)
        self._advance()
        try:
            await pending.turn
            if self._closed:
                raise DisconnectedBeforeSending(self._id, action, "")
            if pending.deadline - loop.time() < min(ANSWER_WINDOW, budget / 2):
                raise self._not_sent(pending)
            # From here to the send there is no await: the CALL leaves in this task, which
            # nothing answered yet.
            pending.sent_at = self._clock.now()
            pending.sent_at_loop = loop.time()
            await self._sent(frame, pending)
            message = await asyncio.shield(pending.outcome)
            return Answered(message, loop.time() - pending.sent_at_loop)
        finally:
            self._leave(pending)

    async def _sent(self, frame: str, pending: _Call) -> None:
        """Send ``frame``, waiting no longer than ``pending`` lasts: a station that does not
        read its socket can hold a send up (websockets waits for the buffer to drain), and
        the deadline still ends the call. The frame is in the socket's buffer by then."""
        sending = asyncio.ensure_future(self._send(frame))
        try:
            await asyncio.wait({sending, pending.outcome}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not sending.done():
                sending.cancel()
                await asyncio.gather(sending, return_exceptions=True)
        if not sending.cancelled() and sending.exception() is not None:
            raise cast(BaseException, sending.exception())

    def answer(self, message: CallResult | CallError) -> Routed:
        """Route one well-formed response of the station."""
        outstanding = self._outstanding()
        if outstanding is not None and message.unique_id == outstanding.unique_id:
            self._end(outstanding, message)
            return Routed.ANSWER
        if message.unique_id in self._late:
            self._late.remove(message.unique_id)
            return Routed.LATE
        if outstanding is None:
            return Routed.STRAY
        if isinstance(message, CallError) and message.unique_id == UNKNOWN_ID:
            self._end(outstanding, message)
            return Routed.ANSWER
        kind = "CALLERROR" if isinstance(message, CallError) else "CALLRESULT"
        self._fail(
            outstanding,
            InvalidAnswer(
                self._id,
                outstanding.action,
                f"its {kind} carries message id {message.unique_id!r}, but the outstanding "
                f"{outstanding.action} CALL has id {outstanding.unique_id!r}",
            ),
        )
        return Routed.WRONG

    def unreadable_answer(self, unique_id: str, description: str) -> Routed:
        """Route a response that is not a well-formed CALLRESULT or CALLERROR (a payload
        that is not a JSON object, say): the outstanding CALL it names fails at once."""
        outstanding = self._outstanding()
        if outstanding is not None and unique_id == outstanding.unique_id:
            self._fail(outstanding, InvalidAnswer(self._id, outstanding.action, description))
            return Routed.WRONG
        if unique_id in self._late:
            self._late.remove(unique_id)
            return Routed.LATE
        return Routed.STRAY

    def close(self) -> None:
        """The connection closed: every call in line or outstanding ends now."""
        self._closed = True
        # Said before the outstanding call ends, so each names what it waited behind.
        for waiting in list(self._line):
            if not waiting.turn.done():
                behind = self._ahead_of(waiting)
                waiting.turn.set_exception(
                    DisconnectedBeforeSending(self._id, waiting.action, behind)
                )
        outstanding = self._slot
        if outstanding is not None and outstanding.sent_at is not None:
            lost = ConnectionLost(self._id, outstanding.action, outstanding.sent_at)
            self._fail(outstanding, lost)

    def _outstanding(self) -> _Call | None:
        """The call whose CALL is out at the station, if any."""
        if self._slot is not None and self._slot.sent_at is not None:
            return self._slot
        return None

    def _advance(self) -> None:
        """Give the slot to the first in line when it is free."""
        if self._slot is not None or self._closed:
            return
        while self._line:
            head = self._line.popleft()
            if head.turn.done():
                continue  # failed while in line
            self._slot = head
            head.turn.set_result(None)
            return

    def _expire(self, pending: _Call) -> None:
        """The deadline of ``pending`` passed: in line, it is not sent; outstanding, it
        timed out and frees the slot (its answer, if it comes, is a late one)."""
        pending.timer = None
        if pending in self._line:
            error = self._not_sent(pending)
            self._line.remove(pending)
            if not pending.turn.done():
                pending.turn.set_exception(error)
        elif self._slot is pending and pending.sent_at is not None:
            self._late.append(pending.unique_id)
            self._fail(pending, NoAnswer(self._id, pending.action, pending.budget, pending.sent_at))
        # Given the slot but not yet sent: its own task sees the deadline and gives it up.

    def _end(self, pending: _Call, message: CallResult | CallError) -> None:
        if not pending.outcome.done():
            pending.outcome.set_result(message)
        self._free(pending)

    def _fail(self, pending: _Call, error: Exception) -> None:
        if not pending.outcome.done():
            pending.outcome.set_exception(error)
            # Retrieved here too, so a caller that gave up leaves no unretrieved exception.
            pending.outcome.exception()
        self._free(pending)

    def _free(self, pending: _Call) -> None:
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        if self._slot is pending:
            self._slot = None
            # What the next in line waited behind: this call if it was sent, else what this
            # one waited behind.
            followed = pending.followed
            if pending.sent_at is not None:
                followed = f"{pending.action} (sent at {iso_time(pending.sent_at)})"
            for waiting in self._line:
                if not waiting.turn.done():
                    waiting.followed = followed
                    break
            self._advance()

    def _leave(self, pending: _Call) -> None:
        """The caller's task is done with ``pending``: out of line, and the slot freed
        unless its CALL is still out at the station (then the answer or the deadline frees
        it)."""
        if pending in self._line:
            self._line.remove(pending)
        if pending.turn.done() and not pending.turn.cancelled():
            pending.turn.exception()  # retrieved: the caller may have given up before
        if pending.sent_at is None or pending.outcome.done():
            self._free(pending)

    def _not_sent(self, pending: _Call) -> NotSent:
        behind = self._ahead_of(pending)
        deadline = f"{pending.budget:.3g} s deadline"
        followed = pending.followed
        holder = self._slot
        if not followed and holder is not None and holder is not pending:
            # The call that has the slot but is not sent yet (its own task is about to give
            # it up, too late as well) waited behind the same CALL as this one.
            followed = holder.followed
        if behind:
            why = f"it was still queued behind {behind} when its {deadline} passed"
        elif followed:
            why = (
                f"it was queued behind {followed}, which was not done until too close "
                f"to its {deadline} for an answer to come back"
            )
        else:
            why = f"its turn came too close to its {deadline} for an answer to come back"
        return NotSent(self._id, pending.action, why)

    def _ahead_of(self, pending: _Call) -> str:
        """What ``pending`` waited behind, in words."""
        outstanding = self._outstanding()
        line = list(self._line)
        before = line[: line.index(pending)] if pending in line else []
        parts: list[str] = []
        if outstanding is not None and outstanding is not pending:
            parts.append(f"{outstanding.action} {sent_words(outstanding.sent_at)}")
        if before:
            actions = ", ".join(waiting.action for waiting in before)
            parts.append(f"{len(before)} earlier call(s) not yet sent ({actions})")
        return " and ".join(parts)
