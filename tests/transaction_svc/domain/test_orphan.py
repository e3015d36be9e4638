"""The pure rules of orphan reports (issue 12, defect 4)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.transaction_factories import a_report, a_start, a_stop, an_event, at, register
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.meter_values import meter_values_content, meter_values_from_content
from transaction_svc.domain.orphan import OrphanCause, OrphanContent, OrphanKind, cause_for
from transaction_svc.domain.transaction import StopReason, Transaction, TransactionStatus

pytestmark = pytest.mark.unit


def _transaction(charge_point_id: str) -> Transaction:
    start = a_start(charge_point_id=charge_point_id)
    return Transaction(
        id=7,
        charge_point_id=start.charge_point_id,
        evse_id=start.evse_id,
        connector_id=start.connector_id,
        id_tag=start.id_tag,
        status=TransactionStatus.COMPLETED,
        meter_start_wh=start.meter_start_wh,
        meter_stop_wh=None,
        energy_wh=0.0,
        started_at=start.started_at,
        stopped_at=None,
        stop_reason=None,
        stop_id_tag=None,
        reservation_id=None,
        ocpp_version="1.6",
        authorization_status=AuthorizationStatus.ACCEPTED,
        created_at=at(0),
        updated_at=at(0),
    )


def test_the_cause_tells_an_unknown_id_from_another_stations_transaction() -> None:
    assert cause_for(None) is OrphanCause.TRANSACTION_UNKNOWN
    assert cause_for(_transaction("CP-1")) is OrphanCause.TRANSACTION_OF_ANOTHER_CHARGE_POINT


def test_a_stop_is_kept_as_it_came() -> None:
    stop = a_stop(99, reason=StopReason.REMOTE, id_tag="TAG-1", meter_values=(register(60, 5000),))
    content = OrphanContent.of_stop(stop, OrphanCause.TRANSACTION_UNKNOWN)
    assert (content.kind, content.charge_point_id, content.transaction_id) == (
        OrphanKind.STOP_TRANSACTION,
        "CP-1",
        99,
    )
    assert (content.meter_stop_wh, content.stopped_at, content.stop_reason) == (
        5000.0,
        at(60),
        StopReason.REMOTE,
    )
    assert (content.id_tag, content.meter_values) == ("TAG-1", stop.meter_values)


def test_a_late_event_keeps_the_ended_transactions_id() -> None:
    event = an_event("UPDATED", 5, meter_values=(register(70, 9000),))
    content = OrphanContent.of_late_event(event, _transaction("CP-1"))
    assert (content.kind, content.cause) == (
        OrphanKind.TRANSACTION_EVENT,
        OrphanCause.TRANSACTION_COMPLETED,
    )
    assert (content.transaction_id, content.station_transaction_id) == (7, "ST-1")


def test_a_repetition_has_the_fingerprint_and_anything_else_another() -> None:
    stop = a_stop(99, meter_values=(register(60, 5000),))
    content = OrphanContent.of_stop(stop, OrphanCause.TRANSACTION_UNKNOWN)
    assert OrphanContent.of_stop(stop, OrphanCause.TRANSACTION_UNKNOWN).fingerprint() == (
        content.fingerprint()
    )
    others = [
        OrphanContent.of_stop(replace(stop, meter_stop_wh=5001.0), content.cause),
        OrphanContent.of_stop(replace(stop, stopped_at=at(61)), content.cause),
        OrphanContent.of_stop(replace(stop, charge_point_id="CP-2"), content.cause),
        OrphanContent.of_stop(replace(stop, meter_values=(register(60, 5001),)), content.cause),
        OrphanContent.of_report(a_report(99, register(60, 5000)), content.cause),
    ]
    assert len({c.fingerprint() for c in [content, *others]}) == 1 + len(others)


def test_meter_values_survive_their_stored_form() -> None:
    values = (
        register(1, 1000, context="Sample.Periodic"),
        register(2, 1.5, unit="kWh", phase="L1", signed_data="c2lnbmVk"),
    )
    assert meter_values_from_content(meter_values_content(values)) == values
