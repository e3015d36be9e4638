"""Support for the hostile-input tests: an edge with chosen limits, and a client that
sends bytes no well-behaved WebSocket library would."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from edge.server import RunningEdge
from tests.support.edges import start_edge
from tests.support.fake_services import Fakes, settings_for
from tests.support.waiting import settled

HEARTBEAT_ID = "probe"


@asynccontextmanager
async def edge_with(fakes: Fakes, tmp_path: Path, **overrides: str) -> AsyncIterator[RunningEdge]:
    """A real edge (port 0) with these environment variables set."""
    settings = settings_for(tmp_path, fakes.address, **overrides)
    running = await start_edge(settings)
    try:
        yield running
    finally:
        await running.stop()


def client_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """One masked client frame (RFC 6455 §5.2), whatever its payload holds."""
    mask = os.urandom(4)
    length = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def upgrade_request(path: str, subprotocol: str = "ocpp1.6") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
    ).encode()


@asynccontextmanager
async def raw_station(
    edge: RunningEdge, path: str = "/ocpp/RAW-1"
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A TCP connection that completed the WebSocket handshake and from then on does only
    what the test makes it do (answer no ping, send any bytes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", edge.ws_port)
    try:
        writer.write(upgrade_request(path))
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert head.startswith(b"HTTP/1.1 101"), head
        yield reader, writer
    finally:
        writer.close()


async def server_frames(reader: asyncio.StreamReader) -> list[tuple[int, bytes]]:
    """Every (opcode, payload) the server sends until it closes the TCP connection."""
    frames: list[tuple[int, bytes]] = []
    while True:
        head = await reader.read(2)
        if len(head) < 2:
            return frames
        length = head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await reader.readexactly(8))
        frames.append((head[0] & 0x0F, await reader.readexactly(length)))


def close_code(payload: bytes) -> int:
    return int(struct.unpack("!H", payload[:2])[0])


async def answers_until_probe(connection: ClientConnection) -> list[list[Any]]:
    """Send a Heartbeat after whatever was sent before it, and return every message the
    edge sent up to and including the Heartbeat's answer (the edge answers in order)."""
    await connection.send(json.dumps([2, HEARTBEAT_ID, "Heartbeat", {}]))
    received: list[list[Any]] = []
    while not received or received[-1][1:2] != [HEARTBEAT_ID]:
        received.append(json.loads(await asyncio.wait_for(connection.recv(), 10)))
    return received


async def closed_with(connection: ClientConnection) -> int:
    """The close code the edge closes ``connection`` with (reading what comes before)."""
    try:
        while True:
            await asyncio.wait_for(connection.recv(), 10)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "the edge closed without a close frame"
        return closed.rcvd.code


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait, without blocking the event loop the edge runs on, until ``condition()``."""

    async def probe() -> bool:
        return condition()

    await settled(probe, what=what)


TEXT = 0x1
CONTINUATION = 0x0
CLOSE = 0x8
NOW = "2024-05-01T12:00:00Z"
# What a 1.6 and a 2.x station get for a frame that is not a readable RPC message.
UNREADABLE = {"1.6": "FormationViolation", "2.0.1": "RpcFrameworkError"}


def _connect(edge: RunningEdge, version: str, name: str = "HOSTILE") -> Any:
    return connect(
        f"ws://127.0.0.1:{edge.ws_port}/ocpp/{name}-{version.replace('.', '')}",
        subprotocols=[Subprotocol(f"ocpp{version}")],
        max_size=None,
    )


def _call(action: str, **payload: Any) -> str:
    return json.dumps([2, "big", action, payload])


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth
