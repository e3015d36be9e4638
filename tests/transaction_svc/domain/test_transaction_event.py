"""The pure rules of OCPP 2.x transaction events."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.support.transaction_factories import T0, an_event, at, register
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.meter_values import MeterValue, SampledValue
from transaction_svc.domain.transaction import StopReason, Transaction, TransactionStatus
from transaction_svc.domain.transaction_event import (
    TransactionEventType,
    meter_start_wh,
    meter_stop_wh,
    without_own_use,
)
from transaction_svc.errors import InvalidTransactionRequest

pytestmark = pytest.mark.unit


ACCEPTED = Authorization(AuthorizationStatus.ACCEPTED, at(1000), "GROUP-1")


def a_transaction(**overrides: object) -> Transaction:
    fields: dict[str, object] = {
        "id": 7,
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "connector_id": 1,
        "id_tag": "",
        "status": TransactionStatus.ACTIVE,
        "meter_start_wh": 1000.0,
        "meter_stop_wh": None,
        "energy_wh": 0.0,
        "started_at": T0,
        "stopped_at": None,
        "stop_reason": None,
        "stop_id_tag": None,
        "reservation_id": None,
        "ocpp_version": "2.0.1",
        "authorization_status": None,
        "created_at": T0,
        "updated_at": T0,
        "station_transaction_id": "ST-1",
    }
    return Transaction(**(fields | overrides))  # type: ignore[arg-type]


def test_meter_start_prefers_the_transaction_begin_sample() -> None:
    values = (register(0, 900), register(1, 1.2, unit="kWh", context="Transaction.Begin"))
    assert meter_start_wh(values) == 1200.0


def test_meter_start_falls_back_to_the_first_register_reading_then_zero() -> None:
    assert meter_start_wh((register(5, 1500), register(2, 1400))) == 1400.0
    voltage = MeterValue(T0, (SampledValue(230.0, measurand="Voltage", unit="V"),))
    assert meter_start_wh((voltage,)) == 0.0
    assert meter_start_wh(()) == 0.0


def test_meter_stop_prefers_the_transaction_end_sample_then_the_latest_reading() -> None:
    end = (register(60, 5000, context="Transaction.End"),)
    everything = (register(70, 9000), *end)
    assert meter_stop_wh(end, everything, 1000.0) == 5000.0
    assert meter_stop_wh((), (register(30, 3000), register(20, 4000)), 1000.0) == 3000.0
    assert meter_stop_wh((), (), 1000.0) == 1000.0


def test_a_started_event_describes_its_transaction() -> None:
    event = an_event(
        id_tag="TAG-1",
        charging_state="EVConnected",
        reservation_id=4,
        meter_values=(register(0, 1000, context="Transaction.Begin"),),
    )
    start = event.start()
    assert (start.id_tag, start.meter_start_wh, start.started_at) == ("TAG-1", 1000.0, T0)
    assert (start.station_transaction_id, start.charging_state) == ("ST-1", "EVConnected")
    assert start.reservation_id == 4
    # Without an idToken the transaction starts without an identifier.
    assert an_event().start().id_tag == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"charge_point_id": ""}, "charge_point_id must not be empty"),
        ({"station_transaction_id": ""}, "station_transaction_id must not be empty"),
        ({"station_transaction_id": "x" * 37}, "at most 36"),
        ({"seq_no": -1}, "seq_no must not be negative"),
        ({"evse_id": -1}, "evse_id must not be negative"),
        ({"connector_id": -1}, "connector_id must not be negative"),
        ({"id_tag": "x" * 37}, "id_tag must have 1 to 36"),
    ],
)
def test_wrong_events_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidTransactionRequest, match=message):
        an_event(**overrides)


def test_updates_follow_the_latest_reading_by_timestamp() -> None:
    values = (register(30, 4000), register(10, 2000))
    updated = an_event("UPDATED", 2, charging_state="Charging").applied_to(
        a_transaction(), None, values, at(99)
    )
    assert updated.energy_wh == 3000.0
    assert updated.charging_state == "Charging"
    assert updated.updated_at == at(99)
    assert updated.is_active


def test_an_id_token_in_an_update_is_adopted_by_a_transaction_without_one() -> None:
    event = an_event("UPDATED", 1, id_tag="TAG-1")
    updated = event.applied_to(a_transaction(), ACCEPTED, (), at(99))
    assert (updated.id_tag, updated.authorization_status) == ("TAG-1", AuthorizationStatus.ACCEPTED)
    # A different identifier is answered but does not replace the transaction's.
    other = an_event("UPDATED", 2, id_tag="OTHER")
    owned = a_transaction(id_tag="TAG-1", authorization_status=AuthorizationStatus.ACCEPTED)
    blocked = replace(ACCEPTED, status=AuthorizationStatus.BLOCKED)
    assert other.applied_to(owned, blocked, (), at(99)).authorization_status is (
        AuthorizationStatus.ACCEPTED
    )


def test_ended_completes_with_the_end_reading() -> None:
    event = an_event(
        "ENDED",
        5,
        stopped_reason=StopReason.EV_DISCONNECTED,
        id_tag="TAG-1",
        meter_values=(register(60, 4500, context="Transaction.End"),),
    )
    stopped = event.applied_to(a_transaction(), ACCEPTED, event.meter_values, at(99))
    assert stopped.status is TransactionStatus.COMPLETED
    assert (stopped.meter_stop_wh, stopped.energy_wh) == (4500.0, 3500.0)
    assert stopped.stop_reason is StopReason.EV_DISCONNECTED
    assert (stopped.stopped_at, stopped.stop_id_tag) == (at(5), "TAG-1")


def test_ended_energy_is_never_negative() -> None:
    event = an_event("ENDED", 5, meter_values=(register(60, 10),))
    stopped = event.applied_to(a_transaction(), None, event.meter_values, at(99))
    assert (stopped.meter_stop_wh, stopped.energy_wh) == (10.0, 0.0)
    assert an_event("ENDED", 6).event_type is TransactionEventType.ENDED


def test_a_transaction_is_no_concurrent_use_of_itself() -> None:
    concurrent = Authorization(AuthorizationStatus.CONCURRENT_TX, at(1000), "GROUP-1")
    assert without_own_use(concurrent, 1, counts_itself=True) == ACCEPTED
    assert without_own_use(concurrent, 2, counts_itself=True) == concurrent
    assert without_own_use(concurrent, 1, counts_itself=False) == concurrent
    assert without_own_use(ACCEPTED, 0, counts_itself=False) == ACCEPTED


def test_a_recorded_event_keeps_the_decision() -> None:
    recorded = an_event(id_tag="TAG-1").recorded(7, ACCEPTED)
    assert recorded.authorization() == ACCEPTED
    assert an_event().recorded(7, None).authorization() is None


def test_an_event_is_the_same_event_only_with_the_same_identity() -> None:
    """EventIdentity: seqNo, eventType, timestamp and triggerReason (issue 12, defect 5)."""
    started = an_event(id_tag="TAG-1", meter_values=(register(0, 1000),))
    # A repeat: the same event, whatever else it carries.
    assert replace(started, meter_values=()).identity == started.identity
    assert started.recorded(1, ACCEPTED).identity == started.identity
    # The seqNo alone does not make a repeat.
    for other in (
        an_event("UPDATED", 0),
        an_event("ENDED", 0),
        replace(started, timestamp=at(1)),
        replace(started, trigger_reason="CablePluggedIn"),
        an_event(seq_no=1, timestamp=at(0)),
    ):
        assert other.identity != started.identity, other
