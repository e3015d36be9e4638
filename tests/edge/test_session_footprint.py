"""What an idle session keeps: its class's handler table, and none of the state that only
a CALL of the CSMS needs until such a CALL is sent (an edge holds thousands of idle
sessions, so each of them costs its size thousands of times)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import weakref
from typing import Any, cast

import pytest
from ocpp.v16 import call
from websockets.exceptions import ConnectionClosedOK

from edge.ocpp_version import OCPP16
from edge.operations.errors import NotConnected
from edge.services import Services
from edge.session import Session
from edge.statistics import TrafficStatistics
from edge.v16.session import SessionV16
from edge.v21.session import SessionV21
from edge.v201.session import SessionV201
from edge.version_table import SESSION_CLASSES
from servicekit.clock import SystemClock

pytestmark = pytest.mark.unit


class Answering:
    """A station that accepts every CALL of the CSMS and sends nothing else."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[str] = asyncio.Queue()

    async def send(self, frame: str) -> None:
        await self.inbox.put(json.dumps([3, json.loads(frame)[1], {"status": "Accepted"}]))

    async def recv(self) -> str:
        return await self.inbox.get()


class Gone:
    """A station whose socket closed at once, and whose send never completes."""

    async def send(self, frame: str) -> None:
        await asyncio.Event().wait()

    async def recv(self) -> str:
        raise ConnectionClosedOK(None, None)


def _session(connection: object) -> SessionV16:
    clock = SystemClock()
    return SessionV16(
        "CP-1",
        cast(Any, connection),
        OCPP16,
        cast(Services, None),
        remote_address="127.0.0.1:1",
        clock=clock,
        statistics=TrafficStatistics(clock),
        request_ids=itertools.count(1),
    )


@pytest.mark.parametrize("session_class", SESSION_CLASSES.values(), ids=lambda c: c.__name__)
def test_the_class_table_holds_every_handler_of_the_class(session_class: type[Session]) -> None:
    methods = {
        name: getattr(session_class, name) for name in dir(session_class) if name.startswith("on_")
    }
    assert set(session_class.handlers.values()) == set(methods.values())
    assert set(session_class.handlers) <= session_class.known_actions


def test_a_subclass_inherits_its_base_handlers() -> None:
    assert set(SessionV201.handlers) < set(SessionV21.handlers)
    assert SessionV21.handlers["BootNotification"] is SessionV201.handlers["BootNotification"]


async def test_an_idle_session_keeps_no_call_state() -> None:
    session = _session(Answering())
    assert session._calls is None
    assert session._inbound._due is None and session._inbound._running is None


async def test_a_request_makes_the_call_state_and_drops_it_after() -> None:
    session = _session(Answering())
    reader = asyncio.ensure_future(session.start())
    try:
        answer = await session.request(call.Reset(type="Soft"), budget=5.0)
        assert answer.status == "Accepted"
        assert session._calls is None
        again = await session.request(call.Reset(type="Hard"), budget=5.0)
        assert again.status == "Accepted"
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


async def test_a_request_after_the_reading_loop_ended_is_not_connected() -> None:
    session = _session(Gone())
    with contextlib.suppress(ConnectionClosedOK):
        await session.start()
    with pytest.raises(NotConnected):
        await asyncio.wait_for(session.request(call.Reset(type="Soft"), budget=30.0), 5.0)


def test_an_idle_session_is_freed_without_waiting_for_the_garbage_collector() -> None:
    # No reference cycle through its parts: thousands of stations reconnecting free their
    # old sessions as they go.
    gc.disable()
    try:
        gone = weakref.ref(_session(Answering()))
        assert gone() is None
    finally:
        gc.enable()
