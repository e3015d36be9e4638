"""chargepoint_svc.domain.firmware: one history per request id, and what a report may be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.domain.firmware import FirmwareKind, FirmwareReport, requests
from chargepoint_svc.errors import InvalidReport

pytestmark = pytest.mark.unit

AT = datetime(2026, 12, 1, tzinfo=UTC)
CP = ChargePointId("CP1")


def report(sequence: int, request_id: int, status: str, *locations: str) -> FirmwareReport:
    return FirmwareReport(
        CP,
        FirmwareKind.PUBLISH,
        request_id,
        status,
        AT + timedelta(seconds=sequence),
        tuple(locations),
        sequence,
    )


def test_reports_fold_into_histories_most_recent_first() -> None:
    found = requests(
        [
            report(3, 1, "Downloaded"),
            report(1, 1, "Downloading"),
            report(2, 2, "Downloading"),
            report(4, 1, "Published", "http://a/fw"),
            report(5, 1, "Idle"),
        ]
    )
    assert [(r.request_id, r.status) for r in found] == [(1, "Idle"), (2, "Downloading")]
    first = found[0]
    assert [s.status for s in first.steps] == ["Downloading", "Downloaded", "Published", "Idle"]
    assert first.updated_at == AT + timedelta(seconds=5)
    # The last locations reported, though a later step carried none.
    assert first.locations == ("http://a/fw",)
    assert found[1].locations == ()


def test_no_reports_no_requests() -> None:
    assert requests([]) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": ""}, "status is required"),
        ({"status": "x" * 51}, "at most 50"),
        ({"request_id": -1}, "request_id must be 0"),
        ({"locations": ("u",) * 11}, "at most 10"),
        ({"locations": ("x" * 513,)}, "OCPP allows at most 512"),
    ],
)
def test_what_a_report_may_not_be(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "charge_point_id": CP,
        "kind": FirmwareKind.UPDATE,
        "request_id": 1,
        "status": "Installed",
        "received_at": AT,
        **fields,
    }
    with pytest.raises(InvalidReport, match=message):
        FirmwareReport(**values)  # type: ignore[arg-type]
