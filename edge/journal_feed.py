"""What feeds the message journal from the edge: every OCPP frame a session receives or sends
is handed to one :class:`JournalFeed` per edge process, which sends them to the charge point
service in batches (``RecordJournal``), where operators read them
(``GET /api/v1/charge-points/{id}/messages``).

The feed must never slow a station down nor fail one of its messages:

- :meth:`JournalFeed.received` and :meth:`JournalFeed.sent` only append to a buffer (no parsing,
  no I/O); a task owned by the feed turns the buffer into entries and sends them every
  ``flush_interval`` seconds, or as soon as ``batch_size`` frames wait.
- While the charge point service cannot be reached, entries wait, at most ``capacity`` of
  them; beyond that the oldest are dropped, and a warning says how many (at most one
  warning per :data:`WARNING_INTERVAL`). A batch the service refuses for another reason is
  dropped, also with a warning. Delivery is at least once: a batch whose answer timed out
  is sent again, and may then be stored twice.

A frame is classified by its head, as OCPP-J 1.6 §4.2.1-§4.2.3 (2.0.1 Part 4 §4.2) lays
frames out: ``[2, "id", "Action", ...]`` a CALL, ``[3, "id", ...]`` a CALLRESULT,
``[4, "id", ...]`` a CALLERROR; anything else is unparsable. The payload is not decoded
again here (the session has done that once); a frame with a well-formed head and a broken
body is journalled under its head, and the session's CALLERROR follows it. A result gets
the action of the CALL it answers, remembered per charge point, direction and message id.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from csms.chargepoint.v1 import chargepoint_pb2

LOG = logging.getLogger(__name__)

Entry = chargepoint_pb2.JournalEntry
# Sends one batch: the charge point service's RecordJournal, with the edge's deadline.
Send = Callable[[chargepoint_pb2.RecordJournalRequest], Awaitable[Any]]

FLUSH_INTERVAL = 0.5
BATCH_SIZE = 200
# Entries kept while the service is unreachable: with ~1 KiB frames about 10 MiB.
CAPACITY = 10_000
WARNING_INTERVAL = 10.0
# The service stores at most this many characters of a frame (chargepoint_svc.domain.journal).
MAX_PAYLOAD_CHARS = 65536
MAX_ID_CHARS = 64
# CALLs whose answer has not been seen yet, remembered to name the answer's action; a
# station that never answers must not grow this without bound.
MAX_OPEN_CALLS = 10_000

# Failures after which the same batch may succeed later; any other is the batch's fault.
_RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.CANCELLED,
    }
)

_STRING = r'"((?:[^"\\]|\\.){0,200})"'
_HEAD = re.compile(r"\s*\[\s*([234])\s*,\s*" + _STRING + r"(?:\s*,\s*" + _STRING + r")?")
_TYPES = {
    "2": Entry.MessageType.CALL,
    "3": Entry.MessageType.CALL_RESULT,
    "4": Entry.MessageType.CALL_ERROR,
}


class Direction(enum.IntEnum):
    IN = Entry.Direction.IN
    OUT = Entry.Direction.OUT


# A frame as recorded: charge point, OCPP version, direction, frame, time.time().
_Raw = tuple[str, str, Direction, str | bytes, float]


class JournalFeed:
    def __init__(
        self,
        send: Send,
        *,
        flush_interval: float = FLUSH_INTERVAL,
        batch_size: int = BATCH_SIZE,
        capacity: int = CAPACITY,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._send = send
        self._flush_interval = flush_interval
        self._batch_size = batch_size
        self._capacity = capacity
        self._now = now
        self._pending: deque[_Raw] = deque()
        # Entries of batches that failed and will be sent again, oldest first.
        self._unsent: deque[Entry] = deque()
        self._open_calls: OrderedDict[tuple[str, Direction, str], str] = OrderedDict()
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0
        """Entries dropped since the start, for tests and the curious."""
        self._unreported = 0
        self._warned_at: float | None = None

    def received(self, charge_point_id: str, ocpp_version: str, frame: str | bytes) -> None:
        self._record((charge_point_id, ocpp_version, Direction.IN, frame, self._now()))

    def sent(self, charge_point_id: str, ocpp_version: str, frame: str | bytes) -> None:
        self._record((charge_point_id, ocpp_version, Direction.OUT, frame, self._now()))

    @property
    def waiting(self) -> int:
        """Entries not yet stored."""
        return len(self._pending) + len(self._unsent)

    def _record(self, raw: _Raw) -> None:
        self._pending.append(raw)
        self._trim()
        if len(self._pending) >= self._batch_size:
            self._full.set()

    def start(self) -> None:
        """Send batches in a task the feed owns until :meth:`stop`."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="journal feed")

    async def stop(self) -> None:
        """Stop sending; what waits is sent once more, and dropped if that fails."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
        if self.waiting:
            self._count_dropped(self.waiting)
            self._pending.clear()
            self._unsent.clear()
        self._warn_dropped("the edge stopped", force=True)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self._flush_interval)
            await self.flush()

    async def flush(self) -> None:
        """Send everything waiting, a batch at a time; stop at the first batch that
        cannot be sent now (it is kept for the next round)."""
        self._full.clear()
        while self.waiting:
            batch = self._next_batch()
            try:
                await self._send(chargepoint_pb2.RecordJournalRequest(entries=batch))
            except grpc.RpcError as error:
                if _code(error) in _RETRYABLE:
                    self._unsent.extendleft(reversed(batch))
                    self._trim()
                    self._warn_dropped(_describe(error))
                    return
                self._count_dropped(len(batch))
                self._warn_dropped(f"the charge point service refused it: {_describe(error)}")
        self._warn_dropped("")

    def _next_batch(self) -> list[Entry]:
        batch: list[Entry] = []
        while self._unsent and len(batch) < self._batch_size:
            batch.append(self._unsent.popleft())
        while self._pending and len(batch) < self._batch_size:
            batch.append(self._entry(*self._pending.popleft()))
        return batch

    def _trim(self) -> None:
        """Keep at most the capacity, dropping the oldest: a new frame, or frames recorded
        while a batch was on its way, may have filled the buffer."""
        while self.waiting > self._capacity:
            if self._unsent:
                self._unsent.popleft()
            else:
                self._pending.popleft()
            self._count_dropped(1)

    def _count_dropped(self, count: int) -> None:
        self.dropped += count
        self._unreported += count

    def _warn_dropped(self, reason: str, *, force: bool = False) -> None:
        if not self._unreported:
            return
        now = time.monotonic()
        recent = self._warned_at is not None and now - self._warned_at < WARNING_INTERVAL
        if recent and not force:
            return
        LOG.warning(
            "journal: dropped %d entries%s (%d waiting, at most %d kept)",
            self._unreported,
            f": {reason}" if reason else "",
            self.waiting,
            self._capacity,
        )
        self._unreported = 0
        self._warned_at = now

    def _entry(
        self,
        charge_point_id: str,
        ocpp_version: str,
        direction: Direction,
        frame: str | bytes,
        at: float,
    ) -> Entry:
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        # PostgreSQL text cannot hold NUL; JSON has it escaped, so only junk carries one.
        text = text.replace("\x00", "\ufffd")
        entry = Entry(
            charge_point_id=charge_point_id,
            direction=direction.value,
            message_type=Entry.MessageType.UNPARSABLE,
            payload=text[:MAX_PAYLOAD_CHARS],
            truncated=len(text) > MAX_PAYLOAD_CHARS,
            ocpp_version=ocpp_version,
        )
        entry.at.FromNanoseconds(int(at * 1e9))
        head = frame_head(text)
        if head is None:
            return entry
        message_type, message_id, action = head
        entry.message_type = Entry.MessageType.ValueType(message_type)
        entry.message_id = message_id[:MAX_ID_CHARS]
        if entry.message_type == Entry.MessageType.CALL:
            entry.action = action
            self._open_calls[(charge_point_id, direction, message_id)] = action
            if len(self._open_calls) > MAX_OPEN_CALLS:
                self._open_calls.popitem(last=False)
        else:
            other = Direction.OUT if direction is Direction.IN else Direction.IN
            entry.action = self._open_calls.pop((charge_point_id, other, message_id), "")
        return entry


def frame_head(text: str) -> tuple[int, str, str] | None:
    """A frame's message type (``JournalEntry.MessageType``), UniqueId and, for a CALL, its
    action (cut to :data:`MAX_ID_CHARS`), read from its head alone; None when the frame is
    none of the three."""
    head = _HEAD.match(text)
    if head is None or not text.rstrip().endswith("]"):
        return None
    kind, unique_id, third = head.groups()
    message_type = _TYPES[kind]
    action = _unescape(third or "")[:MAX_ID_CHARS] if message_type == Entry.MessageType.CALL else ""
    return message_type, _unescape(unique_id), action


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        decoded = json.loads(f'"{text}"')
    except ValueError:
        return text
    return str(decoded)


def _code(error: grpc.RpcError) -> grpc.StatusCode | None:
    code = getattr(error, "code", None)
    return code() if callable(code) else None


def _describe(error: grpc.RpcError) -> str:
    details = getattr(error, "details", None)
    code = _code(error)
    text = details() if callable(details) else str(error)
    return f"{code.name if code else 'error'}: {text}"
