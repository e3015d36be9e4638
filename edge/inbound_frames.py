"""What each frame a station sends is, and what its connection does about it: the
session's protocol logic apart from its socket (as python-websockets keeps its
``Protocol`` apart from its connection).

:meth:`InboundFrames.receive` takes the frame's text and returns a decision; it sends
nothing, awaits nothing and holds no socket, so every case below is tested with strings
(``tests/edge/test_inbound_frames.py``). The session carries the decision out:

- a well-formed CALL the rate limit lets through: the ``Call`` itself, for the session to
  answer (:class:`~edge.inbound_calls.InboundCalls`);
- a CALL the session must refuse without handling it: a :class:`Refusal`, the CALLERROR
  frame to send. OCPP-J 1.6 §4.2.3 (2.0.1 Part 4 §4.2.3) gives the receiver of a CALL it
  cannot process a CALLERROR to send; a malformed CALL gets the code its version spells
  for what is wrong (:func:`edge.framing.frame_error_code`), one over the rate limit
  ``GenericError``;
- a station that keeps sending past its refusals: :class:`Close` (RFC 6455 §7.4.1, 1008
  "policy violation");
- anything else: ``None``, nothing to send. A response is handed to the session's
  :class:`~edge.outbound_calls.OutboundCalls` here, and an answer awaited there is never
  refused by the rate limit, since the CSMS asked for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeAlias

from ocpp.messages import Call

from edge import framing
from edge.ocpp_version import OcppVersion
from edge.outbound_calls import OutboundCalls, Routed
from edge.rate_limit import CLOSE_CODE, REFUSAL_CODE, RateLimit, Verdict
from edge.statistics import TrafficStatistics
from servicekit import log_context

# Everything a session logs about a station's frames goes through one logger, whichever
# module of the session writes it: operators filter on it (tests/e2e/test_logs.py).
LOG = logging.getLogger("edge.session")

# Statistics file CALLs of actions the version does not define under this name, so a
# station inventing action names cannot grow the statistics without bound.
UNKNOWN_ACTION = "(unknown action)"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Send ``frame``, a CALLERROR, instead of handling the CALL."""

    frame: str


@dataclass(frozen=True, slots=True)
class Close:
    """Close the connection with ``code`` and ``reason``; frames read meanwhile are
    dropped."""

    code: int
    reason: str


# What the session does about a frame: answer this CALL, send this refusal, close, or
# nothing.
Decision: TypeAlias = "Call | Refusal | Close | None"


class InboundFrames:
    """The frames of the charge point ``charge_point_id``, speaking ``version``: parsed,
    held to ``rate_limit`` (None: no limit), counted in ``statistics``."""

    __slots__ = ("_id", "_known_actions", "_rate_limit", "_statistics", "_version")

    def __init__(
        self,
        charge_point_id: str,
        version: OcppVersion,
        known_actions: frozenset[str],
        rate_limit: RateLimit | None,
        statistics: TrafficStatistics,
    ) -> None:
        self._id = charge_point_id
        self._version = version
        self._known_actions = known_actions
        self._rate_limit = rate_limit
        self._statistics = statistics

    def receive(self, raw: str | bytes, calls: OutboundCalls | None) -> Decision:
        """What to do about the frame ``raw``; ``calls`` are the CSMS's own CALLs in line
        or outstanding (None: none), to which a response is routed."""
        try:
            message = framing.parse(raw, self._version.unanswered_message_types)
        except framing.FrameError as error:
            return self._unparsed(error, calls)
        if isinstance(message, Call):
            verdict = self._verdict()
            if verdict is Verdict.ACCEPT:
                return message
            with log_context.bind(message_id=message.unique_id, action=message.action):
                return self._stopped(verdict, message.unique_id, message.action)
        routed = Routed.STRAY if calls is None else calls.answer(message)
        if routed in (Routed.ANSWER, Routed.WRONG):
            return None  # awaited: never refused by the rate limit
        verdict = self._verdict()
        if verdict is not Verdict.ACCEPT:
            return self._stopped(verdict, None, None)
        LOG.warning(
            "charge_point=%s message_id=%s ignored a response: %s",
            self._id,
            message.unique_id,
            routed.value,
        )
        return None

    def _unparsed(self, error: framing.FrameError, calls: OutboundCalls | None) -> Decision:
        if self._unreadable_answer(error, calls):
            return None
        verdict = self._verdict()
        if verdict is not Verdict.ACCEPT:
            return self._stopped(verdict, error.unique_id if error.answerable else None, None)
        if not error.answerable:
            LOG.warning(
                "charge_point=%s message_id=%s ignored a frame: %s",
                self._id,
                error.unique_id,
                error.description,
            )
            return None
        LOG.info(
            "charge_point=%s message_id=%s refused frame: %s",
            self._id,
            error.unique_id,
            error.description,
        )
        code = framing.frame_error_code(error, self._version.error_codes)
        self._statistics.unreadable_call_answered(code)
        return Refusal(framing.call_error(error.unique_id, code, error.description))

    def _unreadable_answer(self, error: framing.FrameError, calls: OutboundCalls | None) -> bool:
        """Whether a malformed frame was a response to the outstanding CALL of the CSMS,
        which then fails at once (logged) instead of waiting for its deadline."""
        if error.answerable or calls is None:
            return False
        if calls.unreadable_answer(error.unique_id, error.description) is not Routed.WRONG:
            return False
        LOG.warning(
            "charge_point=%s message_id=%s answered a CALL of the CSMS with a malformed frame: %s",
            self._id,
            error.unique_id,
            error.description,
        )
        return True

    def _verdict(self) -> Verdict:
        """The rate limit's verdict on one more frame (ACCEPT when there is no limit)."""
        return Verdict.ACCEPT if self._rate_limit is None else self._rate_limit.admit()

    def _stopped(
        self, verdict: Verdict, unique_id: str | None, action: str | None
    ) -> Refusal | Close | None:
        """What a frame the rate limit stopped becomes: a CALL (``unique_id`` set) is
        refused, other frames are dropped unlogged (so a flood cannot flood the log
        either), and a station that ignores its refusals is closed."""
        assert self._rate_limit is not None  # only a limit stops a frame
        if verdict is Verdict.CLOSE:
            reason = self._rate_limit.close_reason()
            LOG.warning("charge_point=%s closed with %d: %s", self._id, CLOSE_CODE, reason)
            return Close(CLOSE_CODE, reason)
        if unique_id is None:
            return None
        description = self._rate_limit.refusal()
        LOG.info("charge_point=%s message_id=%s %s", self._id, unique_id, description)
        if action is None:
            self._statistics.unreadable_call_answered(REFUSAL_CODE)
        else:
            known = action if action in self._known_actions else UNKNOWN_ACTION
            self._statistics.call_received(known, 0.0, REFUSAL_CODE)
        return Refusal(framing.call_error(unique_id, REFUSAL_CODE, description))
