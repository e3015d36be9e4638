"""Answers to the CSMS's monitoring calls of OCPP 2.x block N (N02-N06), and the
NotifyEvent a monitor raises when a value it watches changes (N07); the same for 2.0.1 and
2.1, built from the version's modules. The monitors are :mod:`simulator.v2.monitors`'."""

from __future__ import annotations

from typing import Any

from simulator.station import on
from simulator.uplink import now
from simulator.v2.device_model import VariableKey
from simulator.v2.monitors import REPORT_ITEMS, Trigger
from simulator.v2.station import StationV2


class MonitoringHandlers(StationV2):
    @property
    def _reports_kind(self) -> bool:
        """2.1's VariableMonitoringType carries eventNotificationType; 2.0.1's has none."""
        return bool(self._ocpp_version != "2.0.1")

    @on("SetVariableMonitoring")
    def on_set_variable_monitoring(self, **payload: Any) -> Any:
        """N04: one result per monitor, in order; Accepted ones carry the id given."""
        model = self.state.device_model
        results = [self.state.monitors.set(item, model) for item in payload["set_monitoring_data"]]
        answer = self.results.SetVariableMonitoring(set_monitoring_result=results)
        shown = ",".join(f"{r['status']}:{r.get('id', '-')}" for r in results)
        return self.heard("SetVariableMonitoring", payload, answer, shown)

    @on("ClearVariableMonitoring")
    def on_clear_variable_monitoring(self, **payload: Any) -> Any:
        """N06: one result per id."""
        results = [
            {"id": monitor_id, "status": self.state.monitors.clear(monitor_id)}
            for monitor_id in payload["id"]
        ]
        answer = self.results.ClearVariableMonitoring(clear_monitoring_result=results)
        shown = ",".join(f"{r['id']}:{r['status']}" for r in results)
        return self.heard("ClearVariableMonitoring", payload, answer, shown)

    @on("SetMonitoringBase")
    def on_set_monitoring_base(self, **payload: Any) -> Any:
        self.state.monitors.set_base(payload["monitoring_base"])
        answer = self.results.SetMonitoringBase(status="Accepted")
        return self.heard("SetMonitoringBase", payload, answer, "Accepted")

    @on("SetMonitoringLevel")
    def on_set_monitoring_level(self, **payload: Any) -> Any:
        """N05: Rejected outside 0-9; events above the level are no longer reported."""
        severity = payload["severity"]
        status = "Accepted" if 0 <= severity <= 9 else "Rejected"
        if status == "Accepted":
            self.state.monitors.level = severity
        answer = self.results.SetMonitoringLevel(status=status)
        return self.heard("SetMonitoringLevel", payload, answer, status)

    @on("GetMonitoringReport")
    def on_get_monitoring_report(self, **payload: Any) -> Any:
        """N02: Accepted, then the monitors in NotifyMonitoringReport parts of at most
        REPORT_ITEMS variables; EmptyResultSet when none matches."""
        data = self.state.monitors.report(
            payload.get("monitoring_criteria"),
            payload.get("component_variable"),
            self._reports_kind,
        )
        status = "Accepted" if data else "EmptyResultSet"
        if data:
            work = self._send_monitoring_report(payload["request_id"], data)
            self.after_answer("monitoring report", work)
        answer = self.results.GetMonitoringReport(status=status)
        return self.heard("GetMonitoringReport", payload, answer, status)

    async def _send_monitoring_report(self, request_id: int, data: list[dict[str, Any]]) -> None:
        parts = [data[i : i + REPORT_ITEMS] for i in range(0, len(data), REPORT_ITEMS)]
        for seq_no, part in enumerate(parts):
            tbc = seq_no < len(parts) - 1
            request = self._call.NotifyMonitoringReport(
                request_id=request_id, seq_no=seq_no, generated_at=now(), monitor=part, tbc=tbc
            )
            count = sum(len(item["variable_monitoring"]) for item in part)
            await self.uplink.link.send(
                request,
                f"requestId={request_id} seqNo={seq_no} {count} monitors tbc={tbc}",
                lambda _: "ok",
            )

    def value_changed(self, key: VariableKey, before: str, after: str) -> None:
        """N07: each monitor the change fires becomes a NotifyEvent, after the answer."""
        in_transaction = bool(self.state.transactions)
        fired = self.state.monitors.triggered(key, before, after, in_transaction)
        if fired:
            self.after_answer("monitoring event", self._notify(key, fired))

    async def _notify(self, key: VariableKey, fired: list[Trigger]) -> None:
        # 2.1's EventDataType carries the monitor's severity; 2.0.1's has no such field.
        severity = self._reports_kind
        events = [
            {
                **({"severity": trigger.monitor.severity} if severity else {}),
                "event_id": next(self.state.monitors.event_ids),
                "timestamp": now(),
                "trigger": trigger.trigger,
                "actual_value": trigger.actual_value,
                "cleared": trigger.cleared,
                "component": key.component_payload(),
                "variable": key.variable_payload(),
                "variable_monitoring_id": trigger.monitor.id,
                "event_notification_type": trigger.monitor.kind,
            }
            for trigger in fired
        ]
        request = self._call.NotifyEvent(generated_at=now(), seq_no=0, event_data=events)
        shown = " ".join(
            f"{key.component}.{key.variable}={t.actual_value} monitor={t.monitor.id} "
            f"{t.trigger}{' cleared' if t.cleared else ''}"
            for t in fired
        )
        await self.uplink.link.send(request, shown, lambda _: "ok")
