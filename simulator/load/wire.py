"""A raw OCPP-J client connection for load runs: ``json`` and a WebSocket, nothing else.

The single-station simulator speaks through the ``ocpp`` library, which checks every
message against its JSON schema (in a thread pool) and builds dataclasses; at thousands
of messages per second that would make the simulator the bottleneck it is meant to find
elsewhere. Here a CALL is a list dumped to JSON and an answer a list loaded from it.

A charge point keeps at most one CALL outstanding (OCPP-J 1.6 §4.1.1, 2.0.1 Part 4
§4.1.1), so one task per station both sends and reads: :meth:`Wire.call` reads frames
until its answer comes, answering the CSMS's own CALLs meanwhile, and
:meth:`Wire.idle_until` reads (and answers) until the station's next message is due.
No reader task per connection, and no pings: a fleet of 20,000 is 20,000 tasks.

Message shapes (OCPP-J 1.6 §4.2)::

    [2, "<UniqueId>", "<Action>", {<Payload>}]                                CALL
    [3, "<UniqueId>", {<Payload>}]                                            CALLRESULT
    [4, "<UniqueId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]  CALLERROR
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Protocol
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from simulator.load import errors
from simulator.load.errors import CallFailed, ConnectionLost, Unreachable
from simulator.load.recorder import Recorder

CALL, CALLRESULT, CALLERROR = 2, 3, 4

# Answer to any CALL of the CSMS: a load station implements no CSMS-initiated action
# (OCPP-J 1.6 §4.2.3 "Requested Action is recognized but not supported").
NOT_SUPPORTED = "NotSupported"


class Caller(Protocol):
    """What a station's steps send through: a :class:`Wire`, or a recorder of payloads
    (the microbenchmarks and tests take the load's messages from the steps)."""

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]: ...


def endpoint(url: str, charge_point_id: str) -> str:
    """``URL/{id}`` (OCPP-J 1.6 §3.1.1, 2.0.1 Part 4 §3.2)."""
    return url.rstrip("/") + "/" + quote(charge_point_id, safe="*-_=:+@.")


async def open_wire(
    url: str,
    charge_point_id: str,
    subprotocol: str,
    recorder: Recorder,
    *,
    source_address: str | None,
    open_timeout: float,
    call_timeout: float,
) -> Wire:
    """Open the WebSocket of one charge point, bound to ``source_address`` when given
    (so that more than one address's worth of local ports can reach one CSMS).

    Raises :class:`Unreachable` with the kind of failure: connection refused, handshake
    failed (an HTTP refusal or a wrong subprotocol), timeout, or another socket error.
    """
    options: dict[str, Any] = {}
    if source_address is not None:
        # Passed on to loop.create_connection by websockets' connect().
        options["local_addr"] = (source_address, 0)
    target = endpoint(url, charge_point_id)
    try:
        connection = await connect(
            target,
            subprotocols=[Subprotocol(subprotocol)],
            open_timeout=open_timeout,
            ping_interval=None,
            # permessage-deflate keeps two zlib contexts per connection: hundreds of
            # kilobytes each, for frames of a few hundred bytes.
            compression=None,
            **options,
        )
    except ConnectionRefusedError as error:
        raise Unreachable(errors.CONNECTION_REFUSED, str(error)) from None
    except InvalidStatus as error:
        raise Unreachable(errors.HANDSHAKE_FAILED, f"HTTP {error.response.status_code}") from None
    except TimeoutError:
        raise Unreachable(errors.TIMEOUT, f"no handshake within {open_timeout:g} s") from None
    except InvalidHandshake as error:
        raise Unreachable(errors.HANDSHAKE_FAILED, str(error)) from None
    except OSError as error:
        raise Unreachable(errors.CONNECT_FAILED, str(error)) from None
    if connection.subprotocol != subprotocol:
        await connection.close()
        raise Unreachable(errors.HANDSHAKE_FAILED, f"subprotocol {subprotocol} not accepted")
    return Wire(connection, recorder, call_timeout)


class Wire:
    """One open connection of a charge point."""

    def __init__(self, connection: ClientConnection, recorder: Recorder, timeout: float) -> None:
        self.connection = connection
        self.recorder = recorder
        self.timeout = timeout
        self._next_id = 0

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL and return its CALLRESULT's payload.

        Raises :class:`CallFailed` for a CALLERROR or no answer within the timeout,
        :class:`ConnectionLost` when the socket closes first. Each outcome is recorded.
        """
        self._next_id += 1
        unique_id = str(self._next_id)
        frame = json.dumps([CALL, unique_id, action, payload], separators=(",", ":"))
        started = time.monotonic()
        self.recorder.sending()
        try:
            await self.connection.send(frame)
            async with asyncio.timeout(self.timeout):
                answer = await self._answer_to(unique_id)
        except ConnectionClosed as closed:
            raise self._lost(closed) from None
        except TimeoutError:
            self.recorder.error(errors.TIMEOUT)
            raise CallFailed(errors.TIMEOUT, action) from None
        self.recorder.answer(action, started, time.monotonic())
        if answer[0] == CALLERROR:
            code = str(answer[2])
            self.recorder.error(errors.call_error_kind(code))
            raise CallFailed(errors.call_error_kind(code), action, code)
        payload_back: dict[str, Any] = answer[2]
        return payload_back

    async def idle_until(self, deadline: float) -> None:
        """Read and answer the CSMS until ``deadline`` (``time.monotonic()``). Raises
        :class:`ConnectionLost` when the socket closes meanwhile."""
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                while True:
                    await self._answer_to(None)
        except TimeoutError:
            return
        except ConnectionClosed as closed:
            raise self._lost(closed) from None

    async def _answer_to(self, unique_id: str | None) -> list[Any]:
        """Frames until the answer to ``unique_id`` (never, for None); CALLs of the CSMS
        are answered on the way, stale answers and unreadable frames skipped."""
        while True:
            message = _parse(await self.connection.recv())
            if message is None:
                self.recorder.error(errors.BAD_FRAME)
                continue
            if message[0] == CALL:
                await self._refuse(message)
            elif unique_id is not None and message[1] == unique_id:
                return message

    async def _refuse(self, call: list[Any]) -> None:
        action = str(call[2]) if len(call) > 2 else "?"
        self.recorder.csms_calls[action] += 1
        frame = [CALLERROR, call[1], NOT_SUPPORTED, f"a load station does not do {action}", {}]
        await self.connection.send(json.dumps(frame, separators=(",", ":")))

    def _lost(self, closed: ConnectionClosed) -> ConnectionLost:
        return ConnectionLost(str(closed))

    def abort(self) -> None:
        """Drop the TCP connection at once, without a closing handshake: what a network
        failure or a crashed station looks like to the CSMS."""
        self.connection.transport.abort()

    async def close(self) -> None:
        await self.connection.close()


def _parse(frame: str | bytes) -> list[Any] | None:
    try:
        message = json.loads(frame)
    except ValueError:
        return None
    if (
        not isinstance(message, list)
        or len(message) < 3
        or message[0] not in (CALL, CALLRESULT, CALLERROR)
        or not isinstance(message[1], str)
    ):
        return None
    if message[0] == CALLRESULT and not isinstance(message[2], dict):
        return None
    return message


def _loop_time(monotonic: float) -> float:
    """A ``time.monotonic()`` moment on the running loop's clock (the same clock on
    every platform asyncio supports; converted in case a loop differs)."""
    loop = asyncio.get_running_loop()
    return loop.time() + (monotonic - time.monotonic())
