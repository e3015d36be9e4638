"""What can go wrong for one simulated charge point of a load run, each failure with the
*kind* under which the summary counts it.

LoadFailure
├── Unreachable    the connection could not be opened (refused, handshake, timeout)
├── ConnectionLost the open connection closed under the station
└── CallFailed     one CALL got a CALLERROR or no answer in time

A failure ends only the charge point that met it (or, for :class:`CallFailed`, only that
message): a load run counts failures, it does not stop at the first.
"""

from __future__ import annotations

# The kinds the summary counts errors by (``callerror:<code>`` for CALLERRORs).
CONNECTION_REFUSED = "connection_refused"
HANDSHAKE_FAILED = "handshake_failed"
TIMEOUT = "timeout"
CONNECT_FAILED = "connect_failed"
CONNECTION_LOST = "connection_lost"
BAD_FRAME = "bad_frame"
# A boot the CSMS did not accept (counted among refusals; the storm counts it as a failure).
REFUSED = "refused"


def call_error_kind(code: str) -> str:
    return f"callerror:{code}"


class LoadFailure(Exception):
    """Base of the load run's failures; ``kind`` is the summary's name for it."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class Unreachable(LoadFailure):
    """The WebSocket could not be opened."""


class ConnectionLost(LoadFailure):
    """The connection closed while the station used it."""

    def __init__(self, detail: str) -> None:
        super().__init__(CONNECTION_LOST, detail)


class CallFailed(LoadFailure):
    """A CALL was answered with a CALLERROR (``code`` set) or not answered in time."""

    def __init__(self, kind: str, action: str, code: str | None = None) -> None:
        super().__init__(kind, action)
        self.action = action
        self.code = code
