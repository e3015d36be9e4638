"""transaction_svc.domain.closure and Transaction.closed: what a closure may be and what
it makes of a transaction."""

from __future__ import annotations

import pytest

from tests.support.transaction_factories import at
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.closure import (
    CSMS,
    ClosureCause,
    by_operator,
    not_ongoing,
    superseded,
)
from transaction_svc.domain.transaction import (
    StopReason,
    Transaction,
    TransactionStatus,
)
from transaction_svc.errors import InvalidTransactionRequest

pytestmark = pytest.mark.unit


def active() -> Transaction:
    return Transaction(
        id=7,
        charge_point_id="CP-1",
        evse_id=1,
        connector_id=1,
        id_tag="TAG-1",
        status=TransactionStatus.ACTIVE,
        meter_start_wh=1000.0,
        meter_stop_wh=None,
        energy_wh=250.0,
        started_at=at(0),
        stopped_at=None,
        stop_reason=None,
        stop_id_tag=None,
        reservation_id=None,
        ocpp_version="1.6",
        authorization_status=AuthorizationStatus.ACCEPTED,
        created_at=at(0),
        updated_at=at(0),
    )


def test_a_closed_transaction_keeps_the_last_reading_as_its_stop() -> None:
    closure = by_operator("station replaced", " alice ")
    closed = active().closed(closure, at(30))
    assert closed.status is TransactionStatus.COMPLETED
    assert closed.stop_reason is StopReason.ENDED_BY_CSMS
    assert (closed.meter_stop_wh, closed.energy_wh) == (1250.0, 250.0)
    assert (closed.stopped_at, closed.updated_at) == (at(30), at(30))
    assert closed.closure == closure
    assert closure.closed_by == "alice"
    assert closure.cause is ClosureCause.OPERATOR


def test_the_policies_say_why_and_who() -> None:
    newer = superseded(9, 2)
    assert (newer.cause, newer.closed_by) == (ClosureCause.SUPERSEDED, CSMS)
    assert "started transaction 9 on EVSE 2" in newer.note
    gone = not_ongoing()
    assert (gone.cause, gone.closed_by) == (ClosureCause.NOT_ONGOING, CSMS)
    assert "E14" in gone.note


@pytest.mark.parametrize(
    ("reason", "ended_by", "message"),
    [
        ("", "alice", "reason is required"),
        ("   ", "alice", "reason is required"),
        ("x" * 1001, "alice", "at most 1000"),
        ("ok", "b" * 101, "ended_by is 101 characters long"),
    ],
)
def test_what_an_operator_must_give(reason: str, ended_by: str, message: str) -> None:
    with pytest.raises(InvalidTransactionRequest, match=message):
        by_operator(reason, ended_by)
