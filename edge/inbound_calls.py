"""The station's CALLs to the CSMS, answered: each one gets exactly one answer, a
CALLRESULT or a CALLERROR whose code is spelled the way the session's version spells it
and whose description says what to change.

:meth:`InboundCalls.answer` finds the handler in the session class's table
(:mod:`edge.handler_table`), checks the payload against the version's schema, calls the
handler with the payload's keys in snake_case, checks the answer against the schema too,
and sends it; a failure on the way becomes the CALLERROR instead:

- an action without a handler: ``NotImplemented`` (docs/design.md §7; OCPP-J 1.6 §4.2.3
  "Requested Action is not known by receiver"), whose description tells an action of
  the version the edge does not handle yet from one the version does not have;
- a payload that breaks the schema: the classified error :mod:`edge.framing` names;
- a service's refusal or failure: the :class:`~ocpp.exceptions.OCPPError`
  :func:`edge.errors.invoke` made of it;
- a defect of the edge (an exception of any other kind, or an answer that breaks the
  schema): ``InternalError``, with the traceback in the log.

Socket-free: the session gives it its ``send``. It also runs the follow-ups a handler
asks for (:meth:`after_answer`) once the answer has left, in tasks it owns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import InternalError, NotImplementedError, OCPPError, SecurityError
from ocpp.messages import Call, CallResult
from websockets.exceptions import ConnectionClosed

from edge import framing
from edge.handler_table import is_verbatim
from edge.inbound_frames import UNKNOWN_ACTION
from edge.registration import BOOT_NOTIFICATION

if TYPE_CHECKING:
    from edge.session import Session

# One logger for all a session logs (see edge.inbound_frames).
LOG = logging.getLogger("edge.session")

FollowUp = Callable[[], Awaitable[None]]


class InboundCalls:
    """The CALLs of the station ``charge_point_id``, answered one at a time in the order
    they arrive (the reading loop answers one before it reads the next frame).

    The session is passed to :meth:`answer` rather than kept, so that a session and its
    InboundCalls make no reference cycle: a closed session is freed at once, not at the
    next garbage collection."""

    __slots__ = ("_due", "_id", "_running")

    def __init__(self, charge_point_id: str) -> None:
        self._id = charge_point_id
        # Follow-ups the handler of the CALL being answered asked for, and the running
        # ones; made when first needed (an idle session keeps neither).
        self._due: list[FollowUp] | None = None
        self._running: set[asyncio.Task[None]] | None = None

    async def answer(self, session: Session, call: Call) -> None:
        """Answer ``call`` through the handlers of ``session``, whatever happens while
        handling it, and count it."""
        started = time.monotonic()
        code: str | None = None
        try:
            await self._handle(session, call)
        except OCPPError as error:
            code = framing.error_code(error, session.version.error_codes)
            LOG.info(
                "charge_point=%s message_id=%s action=%s answered %s: %s",
                session.id,
                call.unique_id,
                call.action,
                code,
                error.description,
            )
            await session.send(framing.call_error(call.unique_id, code, str(error.description)))
        except ConnectionClosed:
            raise  # the station went away: the reading loop ends, nobody to answer
        except Exception:
            # A defect in the edge, not in the message: answer so the station is not left
            # waiting, and keep the traceback for whoever fixes it.
            LOG.exception(
                "charge_point=%s message_id=%s action=%s failed",
                session.id,
                call.unique_id,
                call.action,
            )
            code = "InternalError"
            description = f"the edge failed while handling {call.action}; see its log"
            await session.send(framing.call_error(call.unique_id, code, description))
        finally:
            action = call.action if call.action in session.known_actions else UNKNOWN_ACTION
            session.statistics.call_received(action, time.monotonic() - started, code)

    async def _handle(self, session: Session, call: Call) -> None:
        """Validate, run the handler, validate and send its answer, then start the
        follow-ups it asked for."""
        self._due = None
        # B02.FR.09, B03.FR.07, OCPP 1.6 §4.2: before anything else, so that a station not
        # Accepted learns only that (see edge.registration).
        refusal = session.registration_refusal(call.action)
        if refusal is not None:
            raise SecurityError(description=refusal)
        handler = session.handlers.get(call.action)
        if handler is None:
            raise NotImplementedError(description=_not_implemented(session, call.action))
        check = session.payload_check
        violation = check.violation(call, call.action, session.version)
        if violation is not None:
            raise violation
        LOG.debug(
            "charge_point=%s message_id=%s action=%s", session.id, call.unique_id, call.action
        )
        given = call.payload if is_verbatim(handler) else camel_to_snake_case(call.payload)
        response = await handler(session, **given)
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(response)))
        result = CallResult(call.unique_id, payload, action=call.action)
        mistake = check.violation(result, call.action, session.version)
        if mistake is not None:
            LOG.error(
                "charge_point=%s message_id=%s action=%s: the edge built an invalid answer: %s",
                session.id,
                call.unique_id,
                call.action,
                mistake.description,
            )
            raise InternalError(description=f"the edge built an invalid {call.action} answer")
        if call.action == BOOT_NOTIFICATION:
            session.boot_answered(str(payload.get("status", "")))
        await session.send(result.to_json())
        self._start_follow_ups()

    def after_answer(self, follow_up: FollowUp) -> None:
        """Run ``follow_up`` once the answer to the CALL being handled has been sent (see
        :meth:`edge.session.Session.after_answer`)."""
        if self._due is None:
            self._due = []
        self._due.append(follow_up)

    def _start_follow_ups(self) -> None:
        due, self._due = self._due, None
        if not due:
            return
        if self._running is None:
            self._running = set()
        for follow_up in due:
            task = asyncio.ensure_future(follow_up())
            self._running.add(task)
            task.add_done_callback(self._follow_up_done)

    def _follow_up_done(self, task: asyncio.Task[None]) -> None:
        if self._running is not None:
            self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.error(
                "charge_point=%s a follow-up call failed",
                self._id,
                exc_info=task.exception(),
            )

    def running(self) -> list[asyncio.Task[None]]:
        """The follow-ups still running."""
        return [] if self._running is None else list(self._running)


def _not_implemented(session: Session, action: str) -> str:
    version = session.version.name
    if action in session.known_actions:
        return f"{action} is an OCPP {version} action this CSMS does not handle yet"
    return f"{action!r} is not an OCPP {version} action this CSMS knows"
