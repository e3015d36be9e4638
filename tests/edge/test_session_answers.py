"""Session.request against a connection whose close races the station's answer."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any, cast

import pytest
from ocpp.v16 import call
from websockets.exceptions import ConnectionClosedOK

from edge.ocpp_version import OCPP16
from edge.services import Services
from edge.statistics import TrafficStatistics
from edge.v16.session import SessionV16
from servicekit.clock import SystemClock

pytestmark = pytest.mark.unit


READER_LAG_TURNS = 10


class AnsweredThenClosed:
    """A station connection that answers our CALL and closes at once (a Reset reboots the
    station): the socket is already closed while the answer is still unread."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[str | None] = asyncio.Queue()

    async def send(self, frame: str) -> None:
        unique_id = json.loads(frame)[1]
        await self.inbox.put(json.dumps([3, unique_id, {"status": "Accepted"}]))
        await self.inbox.put(None)

    async def recv(self) -> str:
        frame = await self.inbox.get()
        # A busy edge: the reading loop gets to the frame a few turns of the event loop
        # after the socket reported itself closed.
        for _ in range(READER_LAG_TURNS):
            await asyncio.sleep(0)
        if frame is None:
            raise ConnectionClosedOK(None, None)
        return frame

    async def wait_closed(self) -> None:
        return None


async def test_an_answer_read_before_the_close_is_returned() -> None:
    clock = SystemClock()
    session = SessionV16(
        "CP-1",
        cast(Any, AnsweredThenClosed()),
        OCPP16,
        cast(Services, None),
        remote_address="127.0.0.1:1",
        clock=clock,
        statistics=TrafficStatistics(clock),
        request_ids=itertools.count(1),
    )
    reader = asyncio.ensure_future(session.start())
    try:
        answer = await session.request(call.Reset(type="Soft"), budget=5.0)
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosedOK):
            await reader
    assert answer.status == "Accepted"
