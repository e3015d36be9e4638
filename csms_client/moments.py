"""Aware datetimes to ``google.protobuf.Timestamp`` and back, for the client's arguments."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """None stays None (the field stays unset); a naive datetime is refused, not guessed."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp
