"""A call a service makes while serving one ends before its caller's deadline.

transaction_svc asks auth_svc while it serves the edge's StartTransaction; auth_svc asks
transaction_svc while it serves that Authorize. Each client used to wait its own full
CSMS_GRPC_TIMEOUT, as long as the edge waits for the first call: when auth_svc hung, the
edge's deadline passed first, and the station was told the transaction service was
unavailable. :class:`DeadlineInterceptor` keeps the deadline of the call being served, and
:func:`within_caller` gives a nested call what is left of it less :data:`MARGIN`, so the
innermost failure is the one that reaches the station, naming what really did not answer.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

import grpc

from servicekit.interceptors import Behavior, UnaryInterceptor

# Time kept back from the caller's deadline: for the nested call's error to travel back and
# become this service's own answer before the caller gives up.
MARGIN = 0.25
# A nested call is never given less: it fails at once as DEADLINE_EXCEEDED, not as a
# refusal to send.
SHORTEST = 0.01

# time.monotonic() at which the call being served ends; None: no deadline, or no call.
_DEADLINE: ContextVar[float | None] = ContextVar("csms_call_deadline", default=None)


def within_caller(timeout: float) -> float:
    """``timeout``, shortened to end :data:`MARGIN` before the deadline of the call being
    served, if any."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    return max(min(timeout, deadline - time.monotonic() - MARGIN), SHORTEST)


class DeadlineInterceptor(UnaryInterceptor):
    """Keeps each unary call's deadline (``grpc-timeout``) for :func:`within_caller`."""

    def wrap(self, details: grpc.HandlerCallDetails, inner: Behavior) -> Behavior | None:
        async def bounded(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            remaining = context.time_remaining()
            token = _DEADLINE.set(None if remaining is None else time.monotonic() + remaining)
            try:
                return await inner(request, context)
            finally:
                _DEADLINE.reset(token)

        return bounded
