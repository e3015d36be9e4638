"""Domain values for the tests, with defaults that make a valid start, stop and report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from transaction_svc.domain.meter_values import MeterReport, MeterValue, SampledValue
from transaction_svc.domain.reservation import Reservation, ReservationRequest, ReservationStatus
from transaction_svc.domain.transaction import TransactionStart, TransactionStop
from transaction_svc.domain.transaction_event import TransactionEvent, TransactionEventType

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def a_start(**overrides: Any) -> TransactionStart:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "connector_id": 1,
        "id_tag": "TAG-1",
        "meter_start_wh": 1000.0,
        "started_at": T0,
        "ocpp_version": "1.6",
    }
    return TransactionStart(**(fields | overrides))


def a_stop(transaction_id: int, **overrides: Any) -> TransactionStop:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "transaction_id": transaction_id,
        "meter_stop_wh": 5000.0,
        "stopped_at": at(60),
    }
    return TransactionStop(**(fields | overrides))


def register(minutes: float, value: float, unit: str = "Wh", **sample: Any) -> MeterValue:
    """A meter value holding one energy register sample."""
    return MeterValue(at(minutes), (SampledValue(value, unit=unit, **sample),))


def a_report(transaction_id: int | None, *values: MeterValue, **overrides: Any) -> MeterReport:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "connector_id": 1,
        "transaction_id": transaction_id,
        "meter_values": values,
    }
    return MeterReport(**(fields | overrides))


def a_reservation_request(**overrides: Any) -> ReservationRequest:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "id_tag": "TAG-1",
        "parent_id_tag": "GROUP-1",
        "expires_at": at(60),
    }
    return ReservationRequest(**(fields | overrides))


def a_reservation(**overrides: Any) -> Reservation:
    """An ACTIVE reservation of EVSE 1 of CP-1 for TAG-1 (parent GROUP-1), until at(60)."""
    fields: dict[str, Any] = {
        "id": 5,
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "id_tag": "TAG-1",
        "parent_id_tag": "GROUP-1",
        "expires_at": at(60),
        "status": ReservationStatus.ACTIVE,
        "station_status": "ACCEPTED",
        "created_at": T0,
        "updated_at": T0,
    }
    return Reservation(**(fields | overrides))


def an_event(event_type: str = "STARTED", seq_no: int = 0, **overrides: Any) -> TransactionEvent:
    """An OCPP 2.x TransactionEvent of station transaction "ST-1" on EVSE 1 of CP-1."""
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "ocpp_version": "2.0.1",
        "event_type": TransactionEventType[event_type],
        "timestamp": at(seq_no),
        "trigger_reason": "Authorized" if event_type == "STARTED" else "MeterValuePeriodic",
        "seq_no": seq_no,
        "station_transaction_id": "ST-1",
        "evse_id": 1,
        "connector_id": 1,
    }
    return TransactionEvent(**(fields | overrides))
