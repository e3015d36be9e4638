"""Answers to the CSMS-initiated calls of OCPP 2.x blocks B (provisioning), C
(authorization cache), F (remote control), G (availability) and P (data transfer), one per
action; the same for 2.0.1 and 2.1, built from the version's ``call_result`` module."""

from __future__ import annotations

from typing import Any

from simulator.station import on
from simulator.v2.charger import Start
from simulator.v2.device_model import VariableKey
from simulator.v2.state import Evse
from simulator.v2.station import HEARTBEAT_INTERVAL, StationV2

VENDOR_ID = "csms-sim"


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
        OnIdle reboots once they have ended (Scheduled while one runs). Resetting a single
        EVSE is not supported by this station."""
        if payload.get("evse_id") is not None:
            status = "Rejected"
        elif payload["type"] == "Immediate":
            status = "Accepted"
            self.after_answer("reset", self._reset("ImmediateReset"))
        else:
            status = "Scheduled" if self.state.transactions else "Accepted"
            self.after_answer("reset", self._reset_when_idle())
        answer = self.results.Reset(status=status)
        return self.heard("Reset", payload, answer, status)

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
        """G03/G04: no EVSE (or EVSE 0) means the station; Scheduled while a transaction
        runs; each EVSE whose status changes now gets a StatusNotification."""
        evse_id = (payload.get("evse") or {}).get("id") or None
        operative = payload["operational_status"] == "Operative"
        removed: list[int] = []
        if not operative:
            # An inoperative EVSE keeps no reservation: it is removed, and the CSMS told (H04).
            targets = [e for e in self.state.evses.values() if evse_id in (None, e.id)]
            removed = self.state.remove_reservations(targets)
        status, changed = self.state.change_availability(evse_id, operative)
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
        """B06: one result per requested variable, in the order asked."""
        results = []
        for item in payload["get_variable_data"]:
            key = VariableKey.parse(item["component"], item["variable"])
            status, value = self.state.device_model.get(key, item.get("attribute_type"))
            result: dict[str, Any] = {
                "attribute_status": status,
                "component": item["component"],
                "variable": item["variable"],
            }
            if value is not None:
                result["attribute_value"] = value
            results.append(result)
        answer = self.results.GetVariables(get_variable_result=results)
        shown = ",".join(r["attribute_status"] for r in results)
        return self.heard("GetVariables", payload, answer, shown)

    @on("SetVariables")
    def on_set_variables(self, **payload: Any) -> Any:
        """B05: Accepted values apply at once; a new HeartbeatInterval restarts the wait."""
        results = []
        for item in payload["set_variable_data"]:
            key = VariableKey.parse(item["component"], item["variable"])
            status = self.state.device_model.set(
                key, item["attribute_value"], item.get("attribute_type")
            )
            if status == "Accepted" and key == HEARTBEAT_INTERVAL:
                self.charger.heartbeat_changed.set()
            results.append(
                {
                    "attribute_status": status,
                    "component": item["component"],
                    "variable": item["variable"],
                }
            )
        answer = self.results.SetVariables(set_variable_result=results)
        shown = ",".join(r["attribute_status"] for r in results)
        return self.heard("SetVariables", payload, answer, shown)

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
