"""The live sessions of one edge process, by charge point id.

Owned by the running server (never a module global). A charge point has at most one
session: when it connects again, the newer connection wins (docs/design.md §6) and the server
closes the older socket.
"""

from __future__ import annotations

import builtins

from edge.session import Session

# RFC 6455 §7.4.1: 1000 "normal closure ... the purpose for which the connection was
# established has been fulfilled": the station itself opened the session that replaces it.
REPLACED_CODE = 1000
REPLACED_REASON = "replaced by a newer connection of the same charge point"


class SessionRegistry:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def add(self, session: Session) -> Session | None:
        """Register ``session``; return the older session of the same id it replaces."""
        previous = self._sessions.get(session.id)
        self._sessions[session.id] = session
        return previous if previous is not session else None

    def remove(self, session: Session) -> None:
        """Forget ``session``, unless a newer one has taken its place already."""
        if self._sessions.get(session.id) is session:
            del self._sessions[session.id]

    def get(self, charge_point_id: str) -> Session | None:
        return self._sessions.get(charge_point_id)

    def list(self) -> builtins.list[Session]:
        """The sessions, ordered by charge point id."""
        return [self._sessions[key] for key in sorted(self._sessions)]

    def __len__(self) -> int:
        return len(self._sessions)
