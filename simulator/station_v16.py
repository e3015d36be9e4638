"""An OCPP 1.6J charge point's answers to CSMS-initiated calls.

Built on ``ocpp.v16.ChargePoint``: the library frames and validates every message. The
charging session the station runs is :mod:`simulator.session_v16`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from ocpp.routing import on as library_on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import ClientConnection

Handler = TypeVar("Handler", bound=Callable[..., Any])
Output = Callable[[str], None]


def on(action: str) -> Callable[[Handler], Handler]:
    return cast(Callable[[Handler], Handler], library_on(action))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StationV16(ChargePoint):  # type: ignore[misc]
    """The station's side of CSMS-initiated calls: it accepts them and says so."""

    def __init__(self, charge_point_id: str, connection: ClientConnection, out: Output) -> None:
        super().__init__(charge_point_id, connection)
        self.out = out

    def _heard(self, action: str, payload: dict[str, Any]) -> None:
        details = " ".join(f"{k}={v}" for k, v in payload.items())
        self.out(f"<- {action} {details}".rstrip() + " -> Accepted")

    @on(Action.reset)
    def on_reset(self, **payload: Any) -> call_result.Reset:
        self._heard("Reset", payload)
        return call_result.Reset(status="Accepted")

    @on(Action.remote_start_transaction)
    def on_remote_start(self, **payload: Any) -> call_result.RemoteStartTransaction:
        self._heard("RemoteStartTransaction", payload)
        return call_result.RemoteStartTransaction(status="Accepted")

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, **payload: Any) -> call_result.RemoteStopTransaction:
        self._heard("RemoteStopTransaction", payload)
        return call_result.RemoteStopTransaction(status="Accepted")

    @on(Action.change_availability)
    def on_change_availability(self, **payload: Any) -> call_result.ChangeAvailability:
        self._heard("ChangeAvailability", payload)
        return call_result.ChangeAvailability(status="Accepted")

    @on(Action.change_configuration)
    def on_change_configuration(self, **payload: Any) -> call_result.ChangeConfiguration:
        self._heard("ChangeConfiguration", payload)
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.get_configuration)
    def on_get_configuration(self, **payload: Any) -> call_result.GetConfiguration:
        self._heard("GetConfiguration", payload)
        return call_result.GetConfiguration(configuration_key=[], unknown_key=payload.get("key"))

    @on(Action.clear_cache)
    def on_clear_cache(self, **payload: Any) -> call_result.ClearCache:
        self._heard("ClearCache", payload)
        return call_result.ClearCache(status="Accepted")

    @on(Action.unlock_connector)
    def on_unlock_connector(self, **payload: Any) -> call_result.UnlockConnector:
        self._heard("UnlockConnector", payload)
        return call_result.UnlockConnector(status="Unlocked")

    @on(Action.trigger_message)
    def on_trigger_message(self, **payload: Any) -> call_result.TriggerMessage:
        self._heard("TriggerMessage", payload)
        return call_result.TriggerMessage(status="Accepted")

    @on(Action.data_transfer)
    def on_data_transfer(self, **payload: Any) -> call_result.DataTransfer:
        self._heard("DataTransfer", payload)
        return call_result.DataTransfer(status="Accepted")
