"""The message journal: every OCPP frame a charge point sent or was sent, as the edge saw
it on the socket, kept for a bounded time so that operators can read a station's timeline.

The edge classifies a frame by its head (OCPP-J 1.6 §4.2.1-§4.2.3, 2.0.1 Part 4 §4.2):
``[2, id, action, ...]`` is a CALL, ``[3, id, ...]`` a CALLRESULT, ``[4, id, ...]`` a
CALLERROR, anything else unparsable. A result carries the action of the CALL it answers
when the edge saw that CALL. Entries are read newest first, positioned by the time the
edge stamped and the order of arrival (:class:`JournalCursor`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import CHARGE_POINT_ID_MAX_LENGTH, ChargePointId
from chargepoint_svc.errors import InvalidReport
from servicekit.errors import InvalidArgument

# A frame longer than this many characters is stored cut, with ``truncated`` set: the
# journal is for reading timelines, not for archiving firmware-sized DataTransfers.
MAX_PAYLOAD_CHARS = 65536

# OCPP's UniqueId is at most 36 characters and its action names far shorter; the room
# beyond keeps what a misbehaving station sent readable without storing it whole.
JOURNAL_MAX_LENGTH = {"message_id": 64, "action": 64, "ocpp_version": 8}

_BAD_TOKEN = "page_token is not a token this API gave out; pass next_page_token unchanged"


class Direction(enum.StrEnum):
    IN = "IN"
    """From the charge point to the CSMS."""
    OUT = "OUT"


class MessageType(enum.StrEnum):
    CALL = "CALL"
    CALL_RESULT = "CALLRESULT"
    CALL_ERROR = "CALLERROR"
    UNPARSABLE = "UNPARSABLE"


@dataclass(frozen=True)
class JournalEntry:
    """``sequence`` is given by storage, in order of arrival; 0 before it is stored."""

    charge_point_id: ChargePointId
    at: datetime
    direction: Direction
    message_type: MessageType
    message_id: str
    action: str
    payload: str
    truncated: bool
    ocpp_version: str
    sequence: int = 0

    def __post_init__(self) -> None:
        if not 1 <= len(self.charge_point_id) <= CHARGE_POINT_ID_MAX_LENGTH:
            raise InvalidReport(
                f"a journal entry needs a charge point id of 1 to {CHARGE_POINT_ID_MAX_LENGTH} "
                f"characters, got {len(self.charge_point_id)}"
            )
        if len(self.payload) > MAX_PAYLOAD_CHARS:
            raise InvalidReport(
                f"a journal payload is at most {MAX_PAYLOAD_CHARS} characters "
                f"(cut it and set truncated), got {len(self.payload)}"
            )
        for name, limit in JOURNAL_MAX_LENGTH.items():
            if len(getattr(self, name)) > limit:
                raise InvalidReport(f"{name} of a journal entry is longer than {limit} characters")


@dataclass(frozen=True)
class JournalCursor:
    """Where a page ended: the last entry shown. The next page holds what is older."""

    at: datetime
    sequence: int

    @classmethod
    def after(cls, entry: JournalEntry) -> JournalCursor:
        return cls(entry.at, entry.sequence)

    def text(self) -> str:
        return f"{self.at.isoformat()}|{self.sequence}"

    @classmethod
    def parse(cls, text: str) -> JournalCursor:
        moment, _, sequence = text.partition("|")
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            raise InvalidArgument(_BAD_TOKEN) from None
        if not sequence.isdigit() or at.tzinfo is None:
            raise InvalidArgument(_BAD_TOKEN)
        return cls(at, int(sequence))


@dataclass(frozen=True)
class JournalQuery:
    """Entries of one charge point at or after ``since`` and before ``until`` (None: no
    bound), of ``actions`` (empty: any), older than ``after``, newest first."""

    charge_point_id: ChargePointId
    since: datetime | None
    until: datetime | None
    actions: frozenset[str]
    after: JournalCursor | None
    limit: int

    def matches(self, entry: JournalEntry) -> bool:
        """The query as a predicate, for the in-memory store."""
        after = self.after
        return (
            entry.charge_point_id == self.charge_point_id
            and (self.since is None or entry.at >= self.since)
            and (self.until is None or entry.at < self.until)
            and (not self.actions or entry.action in self.actions)
            and (
                after is None
                or entry.at < after.at
                or (entry.at == after.at and entry.sequence < after.sequence)
            )
        )


def newest_first(entry: JournalEntry) -> tuple[datetime, int]:
    """The sort key of a journal read (reverse it)."""
    return (entry.at, entry.sequence)
