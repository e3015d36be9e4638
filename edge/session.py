"""One live WebSocket session with a charge point, whatever its OCPP version: the
connection, the station's identity, and the reading loop that hands each frame on.

The session holds the socket and does the I/O; the protocol logic is in socket-free
modules, each on one side of the seam between the station's CALLs and the CSMS's own:

- :class:`~edge.inbound_frames.InboundFrames` decides what each frame is and what to do
  about it (answer a CALL, refuse it, route a response, close the connection);
- :class:`~edge.inbound_calls.InboundCalls` answers the station's CALLs through the
  handlers of the session's class (:mod:`edge.handler_table`);
- :class:`~edge.outbound_calls.OutboundCalls` correlates the CALLs of the CSMS with their
  answers.

A version's handlers live in its own package (``edge.v16.session``) as a subclass. The
session reuses the ``ocpp`` library's vocabulary (its message classes, dataclasses, enums
and schemas) but not its ``ChargePoint``: the reading loop, the routing and the
correlation are the edge's own, so no private member of the library is relied on
(``tests/edge/test_ocpp_contract.py`` holds the library to what the edge uses).

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
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from types import ModuleType
from typing import Any, ClassVar

import grpc
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.messages import Call, CallError, CallResult
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from edge import payload_schema
from edge.errors import Request, Response, invoke
from edge.events import EventHub
from edge.handler_table import Handler, handlers_of
from edge.inbound_calls import FollowUp, InboundCalls
from edge.inbound_frames import Close, InboundFrames, Refusal
from edge.journal_feed import JournalFeed
from edge.ocpp_version import OcppVersion
from edge.operations.errors import (
    ConnectionLost,
    InvalidAnswer,
    NotConnected,
    NotSent,
    StationCallError,
)
from edge.outbound_calls import Answered, OutboundCalls
from edge.payload_schema import CompiledSchemas, SchemaSet
from edge.rate_limit import RateLimit
from edge.registration import ACCEPTED, Registration
from edge.services import Services
from edge.statistics import TrafficStatistics
from servicekit import log_context
from servicekit.clock import Clock

LOG = logging.getLogger(__name__)

# How long a CSMS-initiated call waits for the station's answer, at most.
RESPONSE_TIMEOUT = 30.0


class Session:
    """A connected charge point: its identity, version, peer, and its handlers.

    Subclasses set :attr:`known_actions` (every action of their version, so an action
    the edge does not handle yet is told apart from one that does not exist),
    :attr:`schemas` (their version's JSON schemas) and :attr:`call_results` (the library's
    ``call_result`` module of their version, whose dataclasses a station's answers become),
    and add one ``@on(Action.X)`` method per action they answer.

    An idle session is most of what an edge holds, thousands of times over, so it keeps
    little: the handlers are looked up in its class's table, and what only a CALL of the
    CSMS needs (its :class:`OutboundCalls`) is made when such a CALL is asked for and
    dropped when none is left.
    """

    known_actions: ClassVar[frozenset[str]] = frozenset()
    schemas: ClassVar[SchemaSet]
    call_results: ClassVar[ModuleType]
    # Each ``@on`` method of the class by action, built once per class.
    handlers: ClassVar[Mapping[str, Handler]] = {}
    # The schema check of every CALL and answer (compiled validators, built on first use),
    # shared by all sessions of the process: one compiled schema per action, not per socket.
    payload_check: ClassVar[CompiledSchemas] = CompiledSchemas()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = handlers_of(cls)

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
        events: EventHub | None = None,
    ) -> None:
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
        # None: the message journal is off (CSMS_JOURNAL=off).
        self.journal_feed = journal_feed
        # None: nobody can watch (a test that drives a session by hand).
        self.events = events
        # None for rate_limit: no limit (a test that drives a session by hand).
        self._frames = InboundFrames(
            charge_point_id, version, self.known_actions, rate_limit, statistics
        )
        self._inbound = InboundCalls(charge_point_id)
        # The closing handshake of a station closed for ignoring the rate limit.
        self._closing: asyncio.Task[None] | None = None
        # Whether the reading loop has ended: every frame received before the close has
        # been routed by then (websockets delivers them before raising ConnectionClosed).
        self._reader_ended = False
        # The CALLs of the CSMS in line or outstanding, made by the first and dropped
        # when none is left.
        self._calls: OutboundCalls | None = None
        # Made by the first BootNotification answer that is not Accepted: what a Pending
        # or Rejected station may send (edge.registration).
        self._registration: Registration | None = None

    async def start(self) -> None:
        """Answer the station until its socket closes (``ConnectionClosed`` is raised),
        then cancel the follow-ups still running: the session owns them, none outlives
        it."""
        try:
            while True:
                await self.route_message(await self.connection.recv())
        finally:
            self._reader_ended = True
            if self._calls is not None:
                # Every answer read before the close has been routed: what is still
                # outstanding now will never be answered on this connection.
                self._calls.close()
            follow_ups = self._inbound.running()
            for task in follow_ups:
                task.cancel()
            owned = [*follow_ups, *([self._closing] if self._closing else [])]
            await asyncio.gather(*owned, return_exceptions=True)

    def after_answer(self, follow_up: FollowUp) -> None:
        """Run ``follow_up`` once the answer to the CALL being handled has been sent, in a
        task this session owns; dropped when the CALL is answered with a CALLERROR.

        For a CSMS call that must follow an answer (OCPP 2.0.1 B07: GetBaseReport after a
        Pending BootNotification answer). It runs apart from the reading loop, because it
        waits for the station's answer, which that loop must be free to read.
        """
        self._inbound.after_answer(follow_up)

    def boot_answered(self, status: str) -> None:
        """The station is told ``status`` in answer to its BootNotification."""
        if self._registration is not None:
            self._registration.booted(status)
        elif status != ACCEPTED:
            self._registration = Registration(status)

    def registration_refusal(self, action: str) -> str | None:
        """Why the station may not send ``action`` now, being Pending or Rejected; None
        when it may (Accepted, or not booted on this connection)."""
        if self._registration is None:
            return None
        return self._registration.refusal(action)

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
        """Answer a CALL, hand a response to the waiting :meth:`request`, or answer a bad
        frame, as :meth:`InboundFrames.receive` decides."""
        self.statistics.frame_received()
        if self.journal_feed is not None:
            self.journal_feed.received(self.id, self.version.name, raw_msg)
        if self.events is not None:
            self.events.received(self.id, self.version.name, raw_msg)
        if self._closing is not None:
            return  # closed for abuse: what it sent meanwhile is read and dropped
        decision = self._frames.receive(raw_msg, self._calls)
        if decision is None:
            return
        if isinstance(decision, Call):
            with log_context.bind(message_id=decision.unique_id, action=decision.action):
                await self._inbound.answer(self, decision)
        elif isinstance(decision, Refusal):
            await self.send(decision.frame)
        elif isinstance(decision, Close):
            # Not awaited here: the reading loop must go on reading (and dropping) the
            # frames already queued, or websockets, its queue full, would stop reading
            # the socket and never see the station's close frame.
            self._closing = asyncio.ensure_future(self.close(decision.code, decision.reason))

    async def send(self, message: str) -> None:
        """Send one frame to the station, counted and journalled."""
        await self.connection.send(message)
        self.statistics.frame_sent()
        if self.journal_feed is not None:
            self.journal_feed.sent(self.id, self.version.name, message)
        if self.events is not None:
            self.events.sent(self.id, self.version.name, message)

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
        unique_id = str(uuid.uuid4())
        body = remove_nones(snake_to_camel_case(serialize_as_dict(payload)))
        frame = Call(unique_id, action, body).to_json()
        if self._registration is not None:
            # Before it is sent: the station may send what it was asked for right after
            # its answer, before the caller's task has seen that answer.
            self._registration.asked(action, body)
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
            await self.send(frame)
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
        result_class = getattr(self.call_results, action)
        return result_class(**camel_to_snake_case(response.payload))
