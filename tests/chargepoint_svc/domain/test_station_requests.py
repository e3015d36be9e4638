"""Assembling a multi-part report (OCPP 2.0.1 NotifyCustomerInformation seqNo/tbc) and
numbering the requests of a station."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.domain.station_requests import RequestReport, assemble, next_request_id

pytestmark = pytest.mark.unit

AT = datetime(2026, 3, 1, tzinfo=UTC)


def part(seq_no: int, data: str, tbc: bool, later: int = 0) -> RequestReport:
    return RequestReport(
        received_at=AT + timedelta(seconds=later), seq_no=seq_no, data=data, tbc=tbc
    )


@pytest.mark.parametrize(
    ("parts", "data", "count", "complete"),
    [
        ([], "", 0, False),
        ([part(0, "a", False)], "a", 1, True),
        ([part(1, "b", False), part(0, "a", True)], "ab", 2, True),
        ([part(0, "a", True)], "a", 1, False),
        # The last part arrived, but seqNo 1 did not.
        ([part(0, "a", True), part(2, "c", False)], "ac", 2, False),
        # A repeated part counts once, its latest copy.
        ([part(0, "x", True), part(0, "a", True, 1), part(1, "b", False)], "ab", 2, True),
    ],
)
def test_assemble(parts: list[RequestReport], data: str, count: int, complete: bool) -> None:
    assembled = assemble(parts)
    assert (assembled.data, assembled.parts, assembled.complete) == (data, count, complete)


def test_request_ids_start_at_one_and_follow_the_highest() -> None:
    assert next_request_id(None) == 1
    assert next_request_id(41) == 42
