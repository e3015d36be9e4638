"""The station messages of the fault tests, as OCPP-J payloads, and what each one should
leave in the transaction service's database (:class:`Ledger`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
ENERGY = "Energy.Active.Import.Register"


def stamp(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def samples_16(seconds: float, wh: float) -> dict[str, Any]:
    """One OCPP 1.6 MeterValue with two samples: the energy register and a current."""
    return {
        "timestamp": stamp(seconds),
        "sampledValue": [
            {"value": f"{wh:.1f}", "measurand": ENERGY, "unit": "Wh"},
            {"value": "16.0", "measurand": "Current.Import", "unit": "A"},
        ],
    }


def start_16(id_tag: str, meter_start: int, seconds: float) -> dict[str, Any]:
    return {
        "connectorId": 1,
        "idTag": id_tag,
        "meterStart": meter_start,
        "timestamp": stamp(seconds),
    }


def meter_values_16(transaction_id: int, seconds: float, wh: float) -> dict[str, Any]:
    return {
        "connectorId": 1,
        "transactionId": transaction_id,
        "meterValue": [samples_16(seconds, wh)],
    }


def stop_16(transaction_id: int, meter_stop: int, seconds: float) -> dict[str, Any]:
    """A stop whose transactionData holds the final reading (two more samples)."""
    return {
        "transactionId": transaction_id,
        "meterStop": meter_stop,
        "timestamp": stamp(seconds),
        "reason": "Local",
        "transactionData": [samples_16(seconds, meter_stop)],
    }


def sampled_201(seconds: float, wh: float) -> list[dict[str, Any]]:
    """One OCPP 2.0.1 MeterValueType with one sample, the energy register."""
    return [
        {
            "timestamp": stamp(seconds),
            "sampledValue": [
                {"value": wh, "measurand": ENERGY, "unitOfMeasure": {"unit": "Wh"}},
            ],
        }
    ]


def event_201(
    event_type: str,
    station_transaction_id: str,
    seq_no: int,
    *,
    seconds: float,
    wh: float,
    id_tag: str | None = None,
) -> dict[str, Any]:
    """A TransactionEvent (2.0.1 E01-E07) carrying one energy reading."""
    trigger = {"Started": "Authorized", "Updated": "MeterValuePeriodic", "Ended": "EVDeparted"}
    info: dict[str, Any] = {"transactionId": station_transaction_id, "chargingState": "Charging"}
    if event_type == "Ended":
        info = {"transactionId": station_transaction_id, "stoppedReason": "Local"}
    payload: dict[str, Any] = {
        "eventType": event_type,
        "timestamp": stamp(seconds),
        "triggerReason": trigger[event_type],
        "seqNo": seq_no,
        "transactionInfo": info,
        "evse": {"id": 1, "connectorId": 1},
        "meterValue": sampled_201(seconds, wh),
    }
    if id_tag is not None:
        payload["idToken"] = {"idToken": id_tag, "type": "ISO14443"}
    return payload


@dataclass
class Session:
    """One transaction as the station saw it accepted."""

    charge_point_id: str
    meter_start: float
    # The CSMS's transactionId (1.6), or the station's own (2.x).
    transaction_id: int | None = None
    station_transaction_id: str | None = None
    meter_stop: float | None = None
    # Samples of the accepted messages, each message counted once.
    samples: int = 0
    # 2.x: the seqNos accepted.
    seq_nos: list[int] = field(default_factory=list)


@dataclass
class Ledger:
    """What the stations had accepted, to hold the database against."""

    sessions: list[Session] = field(default_factory=list)
    # Accepted messages by action, each counted once however often it was sent.
    accepted: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.accepted.values())
