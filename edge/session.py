"""One live WebSocket session with a charge point, whatever its OCPP version.

:class:`Session` builds on ``ocpp.charge_point.ChargePoint`` (routing by ``@on``, call
correlation for CSMS-initiated calls, the OCPP vocabulary) and replaces the part that
turns an incoming frame into an answer, so that every CALL gets one: a CALLRESULT, or a
CALLERROR whose code is spelled the way the session's version spells it and whose
description says what to change. A version's handlers live in its own package
(``edge.v16.session``) as a subclass.

A station's frames are handled one at a time, in the order they arrive: the reading loop
answers a CALL before it reads the next frame. OCPP-J 1.6 §4.1.1 (and 2.0.1 Part 4 §4.1.1)
says a station should not send a CALL before its previous one is answered; one that does
is not refused, its second CALL waits in the socket until the first is answered, and the
answers leave in the order of the CALLs. Every frame a station sends, except the answer
to a CALL of the CSMS that is awaited, goes through its connection's
:class:`~edge.rate_limit.RateLimit` first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any, ClassVar, TypeVar, cast

import grpc
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import InternalError, NotImplementedError, OCPPError
from ocpp.messages import Call, CallError, CallResult
from ocpp.routing import on as library_on
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from edge import framing, payload_schema
from edge.errors import Request, Response, invoke
from edge.journal_feed import JournalFeed
from edge.lean_charge_point import LeanChargePoint
from edge.ocpp_version import OcppVersion
from edge.operations.errors import (
    ConnectionLost,
    InvalidAnswer,
    NotConnected,
    NotSent,
    StationCallError,
)
from edge.outbound_calls import Answered, OutboundCalls, Routed
from edge.payload_schema import CompiledSchemas, SchemaSet
from edge.rate_limit import CLOSE_CODE, REFUSAL_CODE, RateLimit, Verdict
from edge.services import Services
from edge.statistics import TrafficStatistics
from servicekit import log_context
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)
# The library logs every frame through this logger at INFO; servicekit.logs quiets it.
FRAME_LOG = logging.getLogger("ocpp")

Handler = TypeVar("Handler", bound=Callable[..., Any])

# How long a CSMS-initiated call waits for the station's answer, at most.
RESPONSE_TIMEOUT = 30.0

# Statistics file CALLs of actions the version does not define under this name, so a
# station inventing action names cannot grow the statistics without bound.
UNKNOWN_ACTION = "(unknown action)"


def on(action: str) -> Callable[[Handler], Handler]:
    """``ocpp.routing.on`` with a type: marks a method as the handler of ``action``."""
    return cast(Callable[[Handler], Handler], library_on(action))


def verbatim(handler: Handler) -> Handler:
    """Marks a handler that receives the payload's keys as sent (camelCase) rather than
    snake_cased: for payloads carrying free JSON (DataTransfer ``data``), whose keys the
    library's conversion would rewrite ("vendorKey" into "vendor_key")."""
    cast(Any, handler)._verbatim = True
    return handler


class Session(LeanChargePoint):
    """A connected charge point: its identity, version, peer, and its handlers.

    Subclasses set :attr:`known_actions` (every action of their version, so an action
    the edge does not handle yet is told apart from one that does not exist) and
    :attr:`schemas` (their version's JSON schemas), and add one ``@on(Action.X)`` method
    per action they answer.

    An idle session is most of what an edge holds, thousands of times over, so it keeps
    little: the handlers are looked up in its class's table, and what only a CALL of the
    CSMS needs (its :class:`OutboundCalls`) is made when such a CALL is asked for and
    dropped when none is left.
    """

    known_actions: ClassVar[frozenset[str]] = frozenset()
    schemas: ClassVar[SchemaSet]
    # The schema check of every CALL and answer (compiled validators, built on first use),
    # shared by all sessions of the process: one compiled schema per action, not per socket.
    payload_check: ClassVar[CompiledSchemas] = CompiledSchemas()

    def __init__(
        self,
        charge_point_id: str,
        connection: ServerConnection,
        version: OcppVersion,
        services: Services,
        *,
        remote_address: str,
        clock: Clock,
        statistics: TrafficStatistics,
        request_ids: Iterator[int],
        response_timeout: float = RESPONSE_TIMEOUT,
        rate_limit: RateLimit | None = None,
        journal_feed: JournalFeed | None = None,
    ) -> None:
        super().__init__(
            charge_point_id, connection, response_timeout=response_timeout, logger=FRAME_LOG
        )
        self.id: str = charge_point_id
        self.connection = connection
        self.version = version
        self.services = services
        self.remote_address = remote_address
        self.clock = clock
        self.connected_at: datetime = clock.now()
        # Tells this socket from a later one of the same charge point (edge replicas).
        self.connection_id = uuid.uuid4().hex
        self.statistics = statistics
        # The edge's one allocator of OCPP 2.x requestId / remoteStartId, shared with the
        # dispatcher: a station's later messages (NotifyReport parts) name the request
        # they answer, so no two requests to a station may share an id.
        self.request_ids = request_ids
        self.response_timeout = response_timeout
        # None: no limit (a test that drives a session by hand).
        self.rate_limit = rate_limit
        # None: the message journal is off (CSMS_JOURNAL=off).
        self.journal_feed = journal_feed
        # The closing handshake of a station closed for ignoring the rate limit.
        self._closing: asyncio.Task[None] | None = None
        self._ocpp_version = version.name
        # Follow-ups the handler of the CALL being answered asked for, and the running ones.
        self._follow_ups_due: list[Callable[[], Awaitable[None]]] = []
        self._follow_ups: set[asyncio.Task[None]] = set()
        # Whether the reading loop has ended: every frame received before the close has
        # been routed by then (websockets delivers them before raising ConnectionClosed).
        self._reader_ended = False
        # The CALLs of the CSMS in line or outstanding, made by the first and dropped
        # when none is left.
        self._calls: OutboundCalls | None = None

    async def start(self) -> None:
        """Answer the station until its socket closes, then cancel the follow-ups still
        running: the session owns them, none outlives it."""
        try:
            await super().start()
        finally:
            self._reader_ended = True
            if self._calls is not None:
                # Every answer read before the close has been routed: what is still
                # outstanding now will never be answered on this connection.
                self._calls.close()
            for task in self._follow_ups:
                task.cancel()
            owned = [*self._follow_ups, *([self._closing] if self._closing else [])]
            await asyncio.gather(*owned, return_exceptions=True)

    def after_answer(self, follow_up: Callable[[], Awaitable[None]]) -> None:
        """Run ``follow_up`` once the answer to the CALL being handled has been sent, in a
        task this session owns; dropped when the CALL is answered with a CALLERROR.

        For a CSMS call that must follow an answer (OCPP 2.0.1 B07: GetBaseReport after a
        Pending BootNotification answer). It runs apart from the reading loop, because it
        waits for the station's answer, which that loop must be free to read.
        """
        self._follow_ups_due.append(follow_up)

    def _start_follow_ups(self) -> None:
        due, self._follow_ups_due = self._follow_ups_due, []
        for follow_up in due:
            task = asyncio.ensure_future(follow_up())
            self._follow_ups.add(task)
            task.add_done_callback(self._follow_up_done)

    def _follow_up_done(self, task: asyncio.Task[None]) -> None:
        self._follow_ups.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.error(
                "charge_point=%s a follow-up call failed",
                self.id,
                exc_info=task.exception(),
            )

    async def invoke(
        self,
        service: str,
        method: grpc.aio.UnaryUnaryMultiCallable[Request, Response],
        request: Request,
    ) -> Response:
        """Call a service with the edge's deadline; failures become OCPP errors."""
        return await invoke(service, method, request, self.services.timeout)

    async def close(self, code: int, reason: str) -> None:
        await self.connection.close(code, reason)

    async def route_message(self, raw_msg: str | bytes) -> None:
        """Answer a CALL, hand a response to the waiting ``call()``, or answer a bad frame."""
        self.statistics.frame_received()
        if self.journal_feed is not None:
            self.journal_feed.received(self.id, self._ocpp_version, raw_msg)
        if self._closing is not None:
            return  # closed for abuse: what it sent meanwhile is read and dropped
        try:
            message = framing.parse(raw_msg, self.version.unanswered_message_types)
        except framing.FrameError as error:
            if self._unreadable_answer(error):
                return
            if await self._over_limit(error.unique_id if error.answerable else None, None):
                return
            if error.answerable:
                LOG.info(
                    "charge_point=%s message_id=%s refused frame: %s",
                    self.id,
                    error.unique_id,
                    error.description,
                )
                code = framing.frame_error_code(error, self.version.error_codes)
                self.statistics.unreadable_call_answered(code)
                await self._send(framing.call_error(error.unique_id, code, error.description))
            else:
                LOG.warning(
                    "charge_point=%s message_id=%s ignored a frame: %s",
                    self.id,
                    error.unique_id,
                    error.description,
                )
            return
        if isinstance(message, Call):
            with log_context.bind(message_id=message.unique_id, action=message.action):
                if not await self._over_limit(message.unique_id, message.action):
                    await self._answer(message)
        else:
            routed = Routed.STRAY if self._calls is None else self._calls.answer(message)
            if routed in (Routed.ANSWER, Routed.WRONG):
                return  # awaited: never refused by the rate limit
            if not await self._over_limit(None, None):
                LOG.warning(
                    "charge_point=%s message_id=%s ignored a response: %s",
                    self.id,
                    message.unique_id,
                    routed.value,
                )

    def _unreadable_answer(self, error: framing.FrameError) -> bool:
        """Whether a malformed frame was a response to the outstanding CALL of the CSMS,
        which then fails at once (logged) instead of waiting for its deadline."""
        if error.answerable or self._calls is None:
            return False
        if self._calls.unreadable_answer(error.unique_id, error.description) is not Routed.WRONG:
            return False
        LOG.warning(
            "charge_point=%s message_id=%s answered a CALL of the CSMS with a malformed frame: %s",
            self.id,
            error.unique_id,
            error.description,
        )
        return True

    async def _over_limit(self, unique_id: str | None, action: str | None) -> bool:
        """Whether the rate limit stops this frame: a CALL (``unique_id`` set) gets a
        CALLERROR instead of being handled, other frames are dropped unlogged (so a flood
        cannot flood the log either), and a station that ignores its refusals is closed."""
        if self.rate_limit is None:
            return False
        verdict = self.rate_limit.admit()
        if verdict is Verdict.ACCEPT:
            return False
        if verdict is Verdict.CLOSE:
            reason = self.rate_limit.close_reason()
            LOG.warning("charge_point=%s closed with %d: %s", self.id, CLOSE_CODE, reason)
            # Not awaited here: the reading loop must go on reading (and dropping) the
            # frames already queued, or websockets, its queue full, would stop reading
            # the socket and never see the station's close frame.
            self._closing = asyncio.ensure_future(self.close(CLOSE_CODE, reason))
            return True
        if unique_id is not None:
            description = self.rate_limit.refusal()
            LOG.info("charge_point=%s message_id=%s %s", self.id, unique_id, description)
            if action is None:
                self.statistics.unreadable_call_answered(REFUSAL_CODE)
            else:
                known = action if action in self.known_actions else UNKNOWN_ACTION
                self.statistics.call_received(known, 0.0, REFUSAL_CODE)
            await self._send(framing.call_error(unique_id, REFUSAL_CODE, description))
        return True

    async def _answer(self, call: Call) -> None:
        started = time.monotonic()
        code: str | None = None
        try:
            await self._handle_call(call)
        except OCPPError as error:
            code = framing.error_code(error, self.version.error_codes)
            LOG.info(
                "charge_point=%s message_id=%s action=%s answered %s: %s",
                self.id,
                call.unique_id,
                call.action,
                code,
                error.description,
            )
            await self._send(framing.call_error(call.unique_id, code, str(error.description)))
        except ConnectionClosed:
            raise  # the station went away: the reading loop ends, nobody to answer
        except Exception:
            # A defect in the edge, not in the message: answer so the station is not left
            # waiting, and keep the traceback for whoever fixes it.
            LOG.exception(
                "charge_point=%s message_id=%s action=%s failed",
                self.id,
                call.unique_id,
                call.action,
            )
            code = "InternalError"
            description = f"the edge failed while handling {call.action}; see its log"
            await self._send(framing.call_error(call.unique_id, code, description))
        finally:
            action = call.action if call.action in self.known_actions else UNKNOWN_ACTION
            self.statistics.call_received(action, time.monotonic() - started, code)

    async def _handle_call(self, msg: Call) -> None:
        """Validate, run the handler, validate and send its answer.

        Replaces the library's version, which answers an unknown action with NotSupported
        and drops schema error descriptions; DESIGN.md §7 wants NotImplemented for any
        action the edge does not handle (OCPP-J 1.6 §4.2.3: "Requested Action is not
        known by receiver").
        """
        self._follow_ups_due.clear()
        handler = self.handlers.get(msg.action)
        if handler is None:
            raise NotImplementedError(description=self._not_implemented(msg.action))
        violation = self.payload_check.violation(msg, msg.action, self.version)
        if violation is not None:
            raise violation
        LOG.debug("charge_point=%s message_id=%s action=%s", self.id, msg.unique_id, msg.action)
        as_sent = getattr(handler, "_verbatim", False)
        given = msg.payload if as_sent else camel_to_snake_case(msg.payload)
        response = await handler(self, **given)
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(response)))
        result = CallResult(msg.unique_id, payload, action=msg.action)
        mistake = self.payload_check.violation(result, msg.action, self.version)
        if mistake is not None:
            LOG.error(
                "charge_point=%s message_id=%s action=%s: the edge built an invalid answer: %s",
                self.id,
                msg.unique_id,
                msg.action,
                mistake.description,
            )
            raise InternalError(description=f"the edge built an invalid {msg.action} answer")
        await self._send(result.to_json())
        self._start_follow_ups()

    def _not_implemented(self, action: str) -> str:
        if action in self.known_actions:
            return f"{action} is an OCPP {self.version.name} action this CSMS does not handle yet"
        return f"{action!r} is not an OCPP {self.version.name} action this CSMS knows"

    async def _send(self, message: str) -> None:
        await super()._send(message)
        self.statistics.frame_sent()
        if self.journal_feed is not None:
            self.journal_feed.sent(self.id, self._ocpp_version, message)

    @property
    def calls_waiting(self) -> int:
        """How many CALLs of the CSMS wait in line, not yet sent (one may be outstanding)."""
        return 0 if self._calls is None else self._calls.waiting

    async def request(self, payload: Any, budget: float) -> Any:
        """Send one CALL of the CSMS and return the station's result payload (the
        library's ``call_result`` dataclass of that action).

        One CALL is outstanding per charge point at a time (OCPP-J 1.6 §4.1.1), so
        concurrent requests to one station wait in line in :class:`OutboundCalls` while
        other stations are served. ``budget`` bounds the whole wait, the time in line
        included. The payload must have been checked against the schema; the answer is
        checked here.

        Raises the errors of :meth:`OutboundCalls.call`, :class:`StationCallError` for a
        CALLERROR, and :class:`InvalidAnswer` for a result that breaks the schema.
        """
        action = type(payload).__name__
        if self._reader_ended:
            raise NotConnected(self.id)
        unique_id = str(self._unique_id_generator())
        body = remove_nones(snake_to_camel_case(serialize_as_dict(payload)))
        frame = Call(unique_id, action, body).to_json()
        calls = self._calls
        if calls is None:
            calls = self._calls = OutboundCalls(self.id, self._send_call, self.clock)
        sent = True
        answer: Answered | None = None
        try:
            # Runs in the caller's task (an operator's request): name the station too.
            with log_context.bind(charge_point_id=self.id, message_id=unique_id, action=action):
                try:
                    answer = await calls.call(unique_id, action, frame, budget)
                except (NotSent, NotConnected):
                    sent = False
                    raise
                return self._result(unique_id, action, answer.message)
        finally:
            if self._calls is calls and calls.idle:
                self._calls = None  # an idle session keeps no call state
            if sent:
                self.statistics.call_sent(
                    action,
                    None if answer is None else answer.seconds,
                    answer is not None and isinstance(answer.message, CallError),
                )

    async def _send_call(self, frame: str) -> None:
        """Send a CALL of the CSMS; a socket that closes under it is a lost connection."""
        try:
            await self._send(frame)
        except ConnectionClosed:
            action = json.loads(frame)[2]
            raise ConnectionLost(self.id, action, None) from None

    def _result(self, unique_id: str, action: str, response: CallResult | CallError) -> Any:
        """The library's result dataclass of ``action``: a CALLERROR becomes
        :class:`StationCallError` (with its code as the station wrote it, which the
        library would refuse when it is not a 1.6 code), and a CALLRESULT that breaks the
        action's schema :class:`InvalidAnswer`."""
        if isinstance(response, CallError):
            raise StationCallError(
                self.id,
                action,
                response.error_code,
                response.error_description,
                response.error_details or {},
            )
        violation = payload_schema.violation(self.schemas, action, response.payload, answer=True)
        if violation is not None:
            LOG.warning(
                "charge_point=%s message_id=%s action=%s invalid answer: %s",
                self.id,
                unique_id,
                action,
                violation,
            )
            raise InvalidAnswer(self.id, action, str(violation))
        result_class = getattr(self._call_result, action)
        return result_class(**camel_to_snake_case(response.payload))
