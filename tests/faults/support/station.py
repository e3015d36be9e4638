"""A raw OCPP-J station for the fault tests: it chooses its message ids (so a test can send
one message again, with its id or a new one), reconnects to any edge, and retries a message
answered with InternalError until it is accepted, as a charge point does with its
transaction-related messages (OCPP 2.0.1 E13; the same rule in 1.6).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

# Generous: only reached when the CSMS leaves a CALL unanswered, and then the test fails.
PATIENCE = 15.0
# Between two attempts of one message; a station waits longer, a test need not.
RETRY_PAUSE = 0.1


class CallRefused(AssertionError):
    """The CSMS answered with a CALLERROR the station must not retry."""


@dataclass(frozen=True)
class Answer:
    """The frame that answered a CALL: a CALLRESULT ([3, id, payload]) or a CALLERROR
    ([4, id, code, description, details])."""

    frame: list[Any]

    @property
    def accepted(self) -> bool:
        return bool(self.frame[0] == 3)

    @property
    def payload(self) -> dict[str, Any]:
        assert self.accepted, self.frame
        payload: dict[str, Any] = self.frame[2]
        return payload

    @property
    def code(self) -> str:
        assert not self.accepted, self.frame
        return str(self.frame[2])

    @property
    def description(self) -> str:
        assert not self.accepted, self.frame
        return str(self.frame[3])


@dataclass
class Station:
    """One charge point; ``version`` is its subprotocol ("ocpp1.6", "ocpp2.0.1")."""

    charge_point_id: str
    version: str
    connection: ClientConnection | None = None
    # The InternalError CALLERRORs it received, for the tests to show the fault was felt.
    internal_errors: list[Answer] = field(default_factory=list)
    counter: int = 0

    async def connect(self, ws_port: int) -> None:
        """(Re)connect, to the edge listening on ``ws_port``."""
        await self.disconnect()
        url = f"ws://127.0.0.1:{ws_port}/ocpp/{self.charge_point_id}"
        self.connection = await connect(url, subprotocols=[Subprotocol(self.version)])

    async def disconnect(self) -> None:
        """Drop the connection as a station losing its network does: whatever answer was
        on its way is lost."""
        if self.connection is not None:
            await self.connection.close()
            self.connection = None

    def next_id(self) -> str:
        """A new message id: OCPP-J allows at most 36 characters (§4.1.4), so the counter
        goes first and the charge point id only as far as it fits."""
        self.counter += 1
        return f"{self.counter}-{self.charge_point_id}"[:36]

    async def call(self, message_id: str, action: str, payload: dict[str, Any]) -> Answer:
        """Send one CALL and return its answer (CALLs of the CSMS meanwhile are ignored)."""
        assert self.connection is not None, "connect first"
        await self.connection.send(json.dumps([2, message_id, action, payload]))
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), PATIENCE)
            frame = json.loads(raw)
            if frame[0] in (3, 4) and frame[1] == message_id:
                return Answer(frame)

    async def deliver(
        self, action: str, payload: dict[str, Any], message_id: str | None = None
    ) -> Answer:
        """Send until accepted: an InternalError is retried with the same frame (same id,
        same payload); any other CALLERROR fails the test."""
        message_id = message_id or self.next_id()
        while True:
            answer = await self.call(message_id, action, payload)
            if answer.accepted:
                return answer
            if answer.code != "InternalError":
                raise CallRefused(f"{self.charge_point_id} {action}: {answer.frame}")
            self.internal_errors.append(answer)
            await asyncio.sleep(RETRY_PAUSE)
