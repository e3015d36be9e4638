"""How many messages one charge point may send: a token bucket per connection.

A station may send ``burst`` messages at once and ``rate`` per second on average: its
bucket holds ``burst`` tokens, refilled at ``rate`` per second, and each message takes
one. A CALL that finds the bucket empty is not handled; the session answers it with a
CALLERROR that names the limit and says when to try again. OCPP has no code for this:
``GenericError`` is the one OCPP-J 1.6 §4.2.3 and 2.0.1 Part 4 §4.3 keep for "any other
error", spelled the same in every version.

Refusals draw on a second bucket of the same size and rate. A station that reads its
CALLERRORs slows down and never empties it; one that ignores them (keeps sending at more
than twice the rate) empties it too and is closed with 1008 "policy violation" (RFC 6455
§7.4.1), which costs it a reconnection instead of costing the edge an answer per message.

Responses to the CSMS's own CALLs are never limited (the edge sends one CALL at a time).
Pure: the time comes from the clock passed in.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

# The CALLERROR code of a refused CALL, in every OCPP version.
REFUSAL_CODE = "GenericError"

# RFC 6455 §7.4.1: "an endpoint is terminating the connection because it has received a
# message that violates its policy".
CLOSE_CODE = 1008

Monotonic = Callable[[], float]

# Float rounding of elapsed time times rate: a station sending exactly at the rate must not
# find its token short by 1e-16.
_SLACK = 1e-9


class Verdict(enum.Enum):
    """What to do with one message."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    CLOSE = "close"


@dataclass(frozen=True)
class MessageLimit:
    """The limit every connection gets (``CSMS_MESSAGE_RATE``, ``CSMS_MESSAGE_BURST``)."""

    rate: float
    burst: int

    def describe(self) -> str:
        return f"at most {self.rate:g} messages/s per charge point, {self.burst} at once"

    def start(self, clock: Monotonic = time.monotonic, shared: Bucket | None = None) -> RateLimit:
        """A full bucket for a new connection, drawing on its address's ``shared`` one."""
        return RateLimit(self, clock, shared)


class Bucket:
    # Two per connection (and one per limited source address): slots keep them small.
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = float(capacity)
        self.tokens = float(capacity)
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1.0 - _SLACK:
            return False
        self.tokens = max(0.0, self.tokens - 1.0)
        return True

    def wait(self) -> float:
        """Seconds until the next token, as of the last :meth:`take`."""
        return max(0.0, (1.0 - self.tokens) / self.rate)


class RateLimit:
    """One connection's buckets: :meth:`admit` each message the station sends.

    ``shared``: the bucket of every connection from the station's source address
    (:mod:`edge.source_addresses`), None when its address is not limited. A message takes
    a token from both; one refused for the address is refused as for the station.
    """

    __slots__ = ("_address_short", "_clock", "_messages", "_refusals", "_shared", "limit")

    def __init__(
        self, limit: MessageLimit, clock: Monotonic = time.monotonic, shared: Bucket | None = None
    ) -> None:
        self.limit = limit
        self._clock = clock
        now = clock()
        self._messages = Bucket(limit.rate, limit.burst, now)
        self._refusals = Bucket(limit.rate, limit.burst, now)
        self._shared = shared
        self._address_short = False

    def admit(self) -> Verdict:
        now = self._clock()
        if self._messages.take(now):
            self._address_short = self._shared is not None and not self._shared.take(now)
            if not self._address_short:
                return Verdict.ACCEPT
        if self._refusals.take(now):
            return Verdict.REFUSE
        return Verdict.CLOSE

    def refusal(self) -> str:
        """The CALLERROR description of a refused CALL: the limit and when to retry."""
        if self._address_short and self._shared is not None:
            return (
                f"rate limit: at most {self._shared.rate:g} messages/s from one source address "
                "(CSMS_ADDRESS_MESSAGE_RATE); this CALL was not processed, send it again in "
                f"{max(self._shared.wait(), 0.1):.1f} s"
            )
        return (
            f"rate limit: {self.limit.describe()}; this CALL was not processed, "
            f"send it again in {max(self._messages.wait(), 0.1):.1f} s"
        )

    def close_reason(self) -> str:
        """The close frame's reason (at most 123 bytes, RFC 6455 §5.5.1)."""
        return f"rate limit: kept sending after refusals; {self.limit.describe()}"
