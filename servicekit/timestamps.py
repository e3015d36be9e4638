"""Conversions between aware datetimes and ``google.protobuf.Timestamp``."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """None stays None, so optional fields stay unset."""
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(as_utc(moment))
    return stamp


def from_timestamp(stamp: Timestamp | None) -> datetime | None:
    """An unset (all-zero) timestamp is None."""
    if stamp is None or (stamp.seconds == 0 and stamp.nanos == 0):
        return None
    return stamp.ToDatetime(tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes (as SQLite returns them) are taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
