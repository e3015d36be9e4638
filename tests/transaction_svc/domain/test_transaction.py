"""The transaction rules, without storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.support.transaction_factories import T0, a_report, a_start, a_stop, at, register
from transaction_svc.domain.authorization import AuthorizationStatus
from transaction_svc.domain.meter_values import (
    ENERGY_REGISTER,
    MeterValue,
    SampledValue,
    delivered_energy_wh,
    group_meter_values,
    latest_energy_register_wh,
)
from transaction_svc.domain.transaction import StopReason, Transaction, TransactionStatus
from transaction_svc.errors import InvalidTransactionRequest

pytestmark = pytest.mark.unit


def an_active_transaction() -> Transaction:
    return Transaction(
        id=7,
        charge_point_id="CP-1",
        evse_id=1,
        connector_id=1,
        id_tag="TAG-1",
        status=TransactionStatus.ACTIVE,
        meter_start_wh=1000.0,
        meter_stop_wh=None,
        energy_wh=0.0,
        started_at=T0,
        stopped_at=None,
        stop_reason=None,
        stop_id_tag=None,
        reservation_id=None,
        ocpp_version="1.6",
        authorization_status=AuthorizationStatus.ACCEPTED,
        created_at=T0,
        updated_at=T0,
    )


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (SampledValue(1500.0), 1500.0),  # measurand and unit default (OCPP 1.6 SampledValue)
        (SampledValue(1500.0, measurand=ENERGY_REGISTER, unit="Wh"), 1500.0),
        (SampledValue(1.5, measurand=ENERGY_REGISTER, unit="kWh"), 1500.0),
        (SampledValue(1.5, unit="KWH"), 1500.0),
        (SampledValue(500.0, measurand=ENERGY_REGISTER, phase="L1"), None),
        (SampledValue(11000.0, measurand="Power.Active.Import", unit="W"), None),
        (SampledValue(1500.0, measurand="Energy.Active.Export.Register"), None),
        (SampledValue(1500.0, measurand=ENERGY_REGISTER, unit="varh"), None),
    ],
)
def test_energy_register_reading(sample: SampledValue, expected: float | None) -> None:
    assert sample.energy_register_wh() == expected


def test_latest_energy_register_reading_is_the_newest_whole_meter_sample() -> None:
    values = [
        register(10, 2000),
        register(30, 4.0, unit="kWh"),
        register(20, 3000),
        MeterValue(at(40), (SampledValue(9000.0, phase="L1"), SampledValue(16.0, unit="A"))),
    ]
    assert latest_energy_register_wh(values) == 4000.0
    assert latest_energy_register_wh([register(5, 1, phase="L2")]) is None
    assert latest_energy_register_wh([]) is None


def test_on_equal_timestamps_the_sample_sent_last_wins() -> None:
    assert latest_energy_register_wh([register(10, 2000), register(10, 2100)]) == 2100.0


def test_delivered_energy_is_never_negative() -> None:
    assert delivered_energy_wh(1000.0, 3500.0) == 2500.0
    assert delivered_energy_wh(1000.0, 10.0) == 0.0


def test_stopping_completes_with_the_energy_between_readings() -> None:
    stopped = an_active_transaction().stopped(
        a_stop(7, meter_stop_wh=4200.0, reason=StopReason.EV_DISCONNECTED, id_tag="TAG-2"),
        now=at(61),
    )
    assert stopped.status is TransactionStatus.COMPLETED
    assert not stopped.is_active
    assert stopped.meter_stop_wh == 4200.0
    assert stopped.energy_wh == 3200.0
    assert stopped.stopped_at == at(60)
    assert stopped.stop_reason is StopReason.EV_DISCONNECTED
    assert stopped.stop_id_tag == "TAG-2"
    assert stopped.updated_at == at(61)


def test_a_stop_reason_left_out_is_local() -> None:
    assert a_stop(7).reason is StopReason.LOCAL


def test_a_register_reading_sets_the_energy_so_far() -> None:
    transaction = an_active_transaction()
    assert transaction.with_register_reading(2500.0, at(5)).energy_wh == 1500.0
    assert transaction.with_register_reading(10.0, at(5)).energy_wh == 0.0


def test_a_retried_start_is_recognised() -> None:
    transaction = an_active_transaction()
    assert transaction.is_retry_of(a_start())
    assert not transaction.is_retry_of(a_start(started_at=at(1)))
    assert not transaction.is_retry_of(a_start(id_tag="TAG-2"))
    assert not transaction.is_retry_of(a_start(meter_start_wh=1001.0))
    completed = replace(transaction, status=TransactionStatus.COMPLETED)
    assert not completed.is_retry_of(a_start())


def test_samples_are_grouped_back_by_timestamp() -> None:
    values = (
        MeterValue(at(1), (SampledValue(1.0), SampledValue(2.0, measurand="Voltage"))),
        MeterValue(at(2), (SampledValue(3.0),)),
    )
    samples = a_report(7, *values).samples()
    assert [s.sampled_at for s in samples] == [at(1), at(1), at(2)]
    assert {s.transaction_id for s in samples} == {7}
    assert group_meter_values(samples) == values


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: a_start(charge_point_id=""), "charge_point_id must not be empty"),
        (lambda: a_start(id_tag=""), "id_tag must not be empty"),
        (lambda: a_start(evse_id=-1), "evse_id must not be negative, got -1"),
        (lambda: a_start(connector_id=-2), "connector_id must not be negative, got -2"),
        (lambda: a_start(meter_start_wh=-0.5), "meter_start_wh must not be negative"),
        (lambda: a_stop(3, charge_point_id=""), "charge_point_id must not be empty"),
        (lambda: a_stop(3, meter_stop_wh=-1.0), "meter_stop_wh must not be negative"),
        (lambda: a_report(None, connector_id=-1), "connector_id must not be negative"),
        (lambda: a_report(None, charge_point_id=""), "charge_point_id must not be empty"),
    ],
)
def test_wrong_requests_are_refused_with_the_field_named(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(InvalidTransactionRequest, match=message):
        build()
