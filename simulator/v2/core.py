"""Answers to the CSMS-initiated calls of OCPP 2.x blocks B (provisioning), C
(authorization cache), F (remote control), G (availability) and P (data transfer), one per
action; the same for 2.0.1 and 2.1, built from the version's ``call_result`` module."""

from __future__ import annotations

import json
from typing import Any

from ocpp.charge_point import snake_to_camel_case
from ocpp.exceptions import FormatViolationError

from simulator.station import on
from simulator.v2.charger import Start
from simulator.v2.device_model import VariableKey
from simulator.v2.state import UNAVAILABLE, Evse
from simulator.v2.station import HEARTBEAT_INTERVAL, StationV2

VENDOR_ID = "csms-sim"
DEVICE_DATA = "DeviceDataCtrlr"
# The UniqueId length a CSMS's frame is measured with (a UUID), as the edge does.
UNIQUE_ID_LENGTH = 36


def frame_bytes(action: str, payload: dict[str, Any]) -> int:
    """The size of the CALL frame ``payload`` came in, compact as the ``ocpp`` library
    sends it."""
    frame = [2, "u" * UNIQUE_ID_LENGTH, action, payload]
    return len(json.dumps(frame, separators=(",", ":")).encode())


def _result(item: dict[str, Any], status: str, reason: str | None = None) -> dict[str, Any]:
    """A Get/SetVariableResultType naming the variable as asked; ``reason`` its
    statusInfo reasonCode."""
    result: dict[str, Any] = {
        "attribute_status": status,
        "component": item["component"],
        "variable": item["variable"],
    }
    if item.get("attribute_type"):
        result["attribute_type"] = item["attribute_type"]
    if reason is not None:
        result["attribute_status_info"] = {"reason_code": reason}
    return result


# The statusInfo reasonCode of an item past ItemsPerMessage (Part 2 Appendix, reason codes).
TOO_MANY = "TooManyElements"


class CoreHandlers(StationV2):
    @on("RequestStartTransaction")
    def on_request_start_transaction(self, **payload: Any) -> Any:
        """F01/F02: Accepted when the EVSE (named, or the first free one) is free; the
        transaction starts with triggerReason RemoteStart and echoes remoteStartId. With
        AuthCtrlr.AuthorizeRemoteStart the token is authorized first."""
        token: str = payload["id_token"]["id_token"]
        evse = self.state.evse_for_start(payload.get("evse_id"), token)
        if evse is None:
            answer = self.results.RequestStartTransaction(status="Rejected")
            return self.heard("RequestStartTransaction", payload, answer, "Rejected")
        self.charger.claim(evse)
        start = Start(token, payload["remote_start_id"], payload["id_token"]["type"])
        self.after_answer(f"transaction on EVSE {evse.id}", self._remote_charge(evse, start))
        answer = self.results.RequestStartTransaction(status="Accepted")
        return self.heard("RequestStartTransaction", payload, answer, "Accepted")

    async def _remote_charge(self, evse: Evse, start: Start) -> None:
        if self.state.device_model.flag("AuthCtrlr", "AuthorizeRemoteStart"):
            status = await self.uplink.authorize(start.id_token, start.id_token_type)
            if status != "Accepted":
                self.charger.release(evse)
                await self.uplink.status(evse.id, evse.status)
                return
        await self.charger.charge(evse, start)

    @on("RequestStopTransaction")
    def on_request_stop_transaction(self, **payload: Any) -> Any:
        """F03: Accepted for a running transaction, which ends with stoppedReason Remote."""
        transaction = self.state.transaction(payload["transaction_id"])
        stopping = transaction is not None and self.charger.request_stop(
            transaction.evse_id, "Remote"
        )
        status = "Accepted" if stopping else "Rejected"
        answer = self.results.RequestStopTransaction(status=status)
        return self.heard("RequestStopTransaction", payload, answer, status)

    @on("Reset")
    def on_reset(self, **payload: Any) -> Any:
        """B11/B12: Immediate ends transactions (stoppedReason ImmediateReset) and reboots;
        OnIdle reboots once they have ended (Scheduled while one runs). With an evseId only
        that EVSE resets (Rejected for one this station does not have): it is Unavailable
        while it restarts, then back to its resting status; its transaction is ended first
        (Immediate), or awaited (OnIdle, Scheduled)."""
        evse_id = payload.get("evse_id")
        if evse_id is not None:
            status = self._reset_evse(evse_id, payload["type"] == "Immediate")
        elif payload["type"] == "Immediate":
            status = "Accepted"
            self.after_answer("reset", self._reset("ImmediateReset"))
        else:
            status = "Scheduled" if self.state.transactions else "Accepted"
            self.after_answer("reset", self._reset_when_idle())
        answer = self.results.Reset(status=status)
        return self.heard("Reset", payload, answer, status)

    def _reset_evse(self, evse_id: int, immediate: bool) -> str:
        evse = self.state.evses.get(evse_id)
        if evse is None:
            return "Rejected"
        busy = evse.id in self.state.transactions or self.charger.sessions.get(evse.id)
        if immediate and busy:
            self.charger.request_stop(evse.id, "ImmediateReset")
        self.after_answer(f"reset of EVSE {evse.id}", self._restart_evse(evse))
        return "Scheduled" if busy and not immediate else "Accepted"

    async def _restart_evse(self, evse: Evse) -> None:
        """The EVSE restarts once its transaction (if any) has ended and told the CSMS."""
        await self.charger.evse_idle(evse.id)
        self.state.set_status(evse, UNAVAILABLE)
        await self.uplink.status(evse.id, evse.status)
        self.state.set_status(evse, self.state.resting_status(evse))
        await self.uplink.status(evse.id, evse.status)

    async def _reset(self, reason: str) -> None:
        self.state.boot_reason = "RemoteReset"
        await self.reboot(reason)

    async def _reset_when_idle(self) -> None:
        await self.charger.idle()
        await self._reset("OnIdle")

    @on("UnlockConnector")
    def on_unlock_connector(self, **payload: Any) -> Any:
        """F05: OngoingAuthorizedTransaction while a transaction runs on the EVSE;
        UnknownConnector for a connector this station does not have."""
        evse = self.state.evses.get(payload["evse_id"])
        if evse is None or payload["connector_id"] != 1:
            status = "UnknownConnector"
        elif evse.id in self.state.transactions:
            status = "OngoingAuthorizedTransaction"
        else:
            status = "Unlocked"
        answer = self.results.UnlockConnector(status=status)
        return self.heard("UnlockConnector", payload, answer, status)

    @on("ChangeAvailability")
    def on_change_availability(self, **payload: Any) -> Any:
        """G03/G04: no EVSE (or EVSE 0) means the station, an EVSE with a connectorId one
        connector; Scheduled while a transaction runs; each connector whose status changes
        now gets a StatusNotification."""
        target = payload.get("evse") or {}
        operative = payload["operational_status"] == "Operative"
        evse_id = target.get("id") or None
        removed: list[int] = []
        if not operative and target.get("connector_id") is None:
            # An inoperative EVSE keeps no reservation: it is removed, and the CSMS told (H04).
            targets = [e for e in self.state.evses.values() if evse_id in (None, e.id)]
            removed = self.state.remove_reservations(targets)
        status, changed = self.state.change_availability(
            evse_id, operative, target.get("connector_id")
        )
        if changed:
            self.after_answer("availability", self._report_status(changed))
        for reservation_id in removed:
            self.after_answer(
                "reservation", self.uplink.reservation_status(reservation_id, "Removed")
            )
        answer = self.results.ChangeAvailability(status=status)
        return self.heard("ChangeAvailability", payload, answer, status)

    async def _report_status(self, evses: list[Evse]) -> None:
        for evse in evses:
            await self.uplink.status(evse.id, evse.status)

    @on("ClearCache")
    def on_clear_cache(self, **payload: Any) -> Any:
        """C11: the authorization cache is emptied; the local list stays."""
        self.state.cache.clear()
        answer = self.results.ClearCache(status="Accepted")
        return self.heard("ClearCache", payload, answer, "Accepted")

    @on("GetVariables")
    def on_get_variables(self, **payload: Any) -> Any:
        """B06: one result per requested variable, in the order asked; past the station's
        ItemsPerMessage, Rejected (B06.FR.05)."""
        items = self._within_limits("GetVariables", payload, "get_variable_data")
        results = []
        for item, allowed in items:
            key = VariableKey.parse(item["component"], item["variable"])
            if allowed:
                status, value = self.state.device_model.get(key, item.get("attribute_type"))
                result = _result(item, status)
            else:
                value, result = None, _result(item, "Rejected", TOO_MANY)
            if value is not None:
                result["attribute_value"] = value
            results.append(result)
        answer = self.results.GetVariables(get_variable_result=results)
        shown = ",".join(r["attribute_status"] for r in results)
        return self.heard("GetVariables", payload, answer, shown)

    @on("SetVariables")
    def on_set_variables(self, **payload: Any) -> Any:
        """B05: Accepted values apply at once; a new HeartbeatInterval restarts the wait.
        ReadOnly variables and values of the wrong type are Rejected; so is every item
        past the station's ItemsPerMessage, as for GetVariables (B06.FR.05)."""
        results = []
        for item, allowed in self._within_limits("SetVariables", payload, "set_variable_data"):
            key = VariableKey.parse(item["component"], item["variable"])
            if not allowed:
                results.append(_result(item, "Rejected", TOO_MANY))
                continue
            before = self.state.device_model.get(key, None)[1]
            status = self.state.device_model.set(
                key, item["attribute_value"], item.get("attribute_type")
            )
            if status == "Accepted" and key == HEARTBEAT_INTERVAL:
                self.charger.heartbeat_changed.set()
            if status == "Accepted" and before is not None:
                self.value_changed(key, before, item["attribute_value"])
            reason = None
            if status == "Rejected":
                reason = self.state.device_model.refusal(key, item["attribute_value"])
            results.append(_result(item, status, reason))
        answer = self.results.SetVariables(set_variable_result=results)
        shown = ",".join(r["attribute_status"] for r in results)
        return self.heard("SetVariables", payload, answer, shown)

    def _within_limits(
        self, action: str, payload: dict[str, Any], field: str
    ) -> list[tuple[dict[str, Any], bool]]:
        """Each item with whether it is within DeviceDataCtrlr.ItemsPerMessage[action].
        A request larger than BytesPerMessage[action] is a FormatViolation CALLERROR, as
        a station that cannot take the frame."""
        model = self.state.device_model
        most_bytes = int(
            model.value_of(VariableKey(DEVICE_DATA, "BytesPerMessage", None, None, action))
        )
        size = frame_bytes(action, snake_to_camel_case(payload))
        if size > most_bytes:
            raise FormatViolationError(
                description=f"{action} of {size} bytes; BytesPerMessage is {most_bytes}"
            )
        most = int(model.value_of(VariableKey(DEVICE_DATA, "ItemsPerMessage", None, None, action)))
        items: list[dict[str, Any]] = payload[field]
        return [(item, index < most) for index, item in enumerate(items)]

    @on("GetBaseReport")
    def on_get_base_report(self, **payload: Any) -> Any:
        """B07: Accepted, then the report in NotifyReport parts."""
        data = self.state.device_model.report(payload["report_base"])
        self.after_answer("base report", self.send_report(payload["request_id"], data))
        answer = self.results.GetBaseReport(status="Accepted")
        return self.heard("GetBaseReport", payload, answer, "Accepted")

    @on("GetReport")
    def on_get_report(self, **payload: Any) -> Any:
        """B08: Accepted, then the selected variables in NotifyReport parts; EmptyResultSet
        when nothing matches. componentCriteria is not applied: every component of this
        station is Available and Enabled."""
        data = self.state.device_model.select(payload.get("component_variable"))
        status = "Accepted" if data else "EmptyResultSet"
        if data:
            self.after_answer("report", self.send_report(payload["request_id"], data))
        answer = self.results.GetReport(status=status)
        return self.heard("GetReport", payload, answer, status)

    @on("DataTransfer")
    def on_data_transfer(self, **payload: Any) -> Any:
        """P01: this station's vendor id is ``csms-sim``; it echoes the data it is sent."""
        if payload["vendor_id"] == VENDOR_ID:
            answer = self.results.DataTransfer(status="Accepted", data=payload.get("data"))
        else:
            answer = self.results.DataTransfer(status="UnknownVendorId")
        return self.heard("DataTransfer", payload, answer, answer.status)
