"""The monitors of the simulated OCPP 2.x station (OCPP 2.0.1 Part 2 N02-N07): what it
watches on its variables, what raises a NotifyEvent when a value changes, and the report
of them. Pure state that outlives a connection, as the device model does.

A station assigns monitor ids itself (SetMonitoringResultType.id). This one comes with a
hard-wired monitor (id 1, never cleared) and a preconfigured one (id 2), numbers the
monitors the CSMS sets from 10, and keeps the CSMS's monitoring level and base.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from simulator.v2.device_model import DataType, DeviceModel, VariableKey

HARD_WIRED = "HardWiredMonitor"
PRECONFIGURED = "PreconfiguredMonitor"
CUSTOM = "CustomMonitor"
THRESHOLDS = frozenset({"UpperThreshold", "LowerThreshold"})
# MonitoringCriterionEnumType -> the monitor types it selects (N02).
CRITERIA = {
    "ThresholdMonitoring": THRESHOLDS,
    "DeltaMonitoring": frozenset({"Delta", "TargetDelta", "TargetDeltaRelative"}),
    "PeriodicMonitoring": frozenset({"Periodic", "PeriodicClockAligned"}),
}
# Monitoring data entries (one per variable) in one NotifyMonitoringReport part.
REPORT_ITEMS = 4
# Severity 9 (Debug) and below is reported until SetMonitoringLevel says otherwise.
ALL_SEVERITIES = 9


@dataclass(frozen=True)
class Monitor:
    id: int
    key: VariableKey
    type: str
    value: float
    severity: int
    transaction: bool = False
    kind: str = CUSTOM

    def data(self, with_kind: bool) -> dict[str, Any]:
        """One ``VariableMonitoringType`` (snake_case); 2.1 requires its kind, 2.0.1 has
        no such field (``with_kind``)."""
        data: dict[str, Any] = {
            "id": self.id,
            "transaction": self.transaction,
            "value": self.value,
            "type": self.type,
            "severity": self.severity,
        }
        if with_kind:
            data["event_notification_type"] = self.kind
        return data


@dataclass(frozen=True)
class Trigger:
    """A monitor that fired on a value change: ``trigger`` as EventTriggerEnumType;
    ``cleared`` when a threshold's situation returned to normal."""

    monitor: Monitor
    trigger: str
    actual_value: str
    cleared: bool = False


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _builtin() -> dict[int, Monitor]:
    hard_wired = Monitor(
        1, VariableKey("OCPPCommCtrlr", "HeartbeatInterval"), "Delta", 1, 7, kind=HARD_WIRED
    )
    preconfigured = Monitor(
        2,
        VariableKey("TxCtrlr", "EVConnectionTimeOut"),
        "UpperThreshold",
        600,
        6,
        kind=PRECONFIGURED,
    )
    return {monitor.id: monitor for monitor in (hard_wired, preconfigured)}


@dataclass
class Monitors:
    by_id: dict[int, Monitor] = field(default_factory=_builtin)
    # SetMonitoringLevel (N05): events of a severity above this number are not reported.
    level: int = ALL_SEVERITIES
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(10))
    event_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def set(self, item: dict[str, Any], model: DeviceModel) -> dict[str, Any]:
        """One SetMonitoringData (N04) -> its SetMonitoringResult."""
        key = VariableKey.parse(item["component"], item["variable"])
        result: dict[str, Any] = {
            "type": item["type"],
            "severity": item["severity"],
            "component": item["component"],
            "variable": item["variable"],
        }
        status = model.get(key, None)[0]
        replaced = item.get("id")
        if status != "Accepted":
            result["status"] = status
        elif item["type"] in THRESHOLDS and model.data_type(key) is not DataType.INTEGER:
            # A threshold needs a number to compare with.
            result["status"] = "Rejected"
        elif replaced is not None and (
            replaced not in self.by_id or self.by_id[replaced].kind == HARD_WIRED
        ):
            # Only an existing monitor is replaced, and never a hard-wired one.
            result["status"] = "Rejected"
        elif self._duplicate(key, item, replaced):
            result["status"] = "Duplicate"
        else:
            monitor_id = replaced if replaced is not None else next(self.ids)
            self.by_id[monitor_id] = Monitor(
                monitor_id,
                key,
                item["type"],
                item["value"],
                item["severity"],
                item.get("transaction", False),
            )
            result.update(status="Accepted", id=monitor_id)
        return result

    def _duplicate(self, key: VariableKey, item: dict[str, Any], replaced: int | None) -> bool:
        return any(
            m.key == key and m.type == item["type"] and m.value == item["value"]
            for m in self.by_id.values()
            if m.id != replaced
        )

    def clear(self, monitor_id: int) -> str:
        """ClearVariableMonitoring (N06): a hard-wired monitor cannot be cleared."""
        monitor = self.by_id.get(monitor_id)
        if monitor is None:
            return "NotFound"
        if monitor.kind == HARD_WIRED:
            return "Rejected"
        del self.by_id[monitor_id]
        return "Accepted"

    def set_base(self, base: str) -> None:
        """SetMonitoringBase (N03): All and FactoryDefault activate the preconfigured
        monitors (this station's default set is all of them); FactoryDefault and
        HardWiredOnly remove the custom ones; HardWiredOnly leaves only hard-wired ones."""
        builtin = _builtin()
        keep = {HARD_WIRED} | ({CUSTOM} if base == "All" else set())
        kept = {i: m for i, m in self.by_id.items() if m.kind in keep}
        if base != "HardWiredOnly":
            kept.update({i: m for i, m in builtin.items() if m.kind == PRECONFIGURED})
        self.by_id = dict(sorted(kept.items()))

    def report(
        self, criteria: list[str] | None, wanted: list[dict[str, Any]] | None, with_kind: bool
    ) -> list[dict[str, Any]]:
        """GetMonitoringReport's data (N02): MonitoringData per variable, of the monitors
        of the types ``criteria`` selects on the component variables ``wanted`` (all
        when either is absent)."""
        types = set().union(*(CRITERIA[c] for c in criteria)) if criteria else None
        chosen: dict[VariableKey, list[Monitor]] = {}
        for monitor in sorted(self.by_id.values(), key=lambda m: m.id):
            if types is not None and monitor.type not in types:
                continue
            if wanted and not any(_matches(monitor.key, item) for item in wanted):
                continue
            chosen.setdefault(monitor.key, []).append(monitor)
        return [
            {
                "component": key.component_payload(),
                "variable": key.variable_payload(),
                "variable_monitoring": [m.data(with_kind) for m in monitors],
            }
            for key, monitors in chosen.items()
        ]

    def triggered(
        self, key: VariableKey, before: str, after: str, in_transaction: bool
    ) -> list[Trigger]:
        """The monitors a change of ``key`` from ``before`` to ``after`` fires (N07):
        a threshold when the value crosses it (and again, cleared, when it returns), a
        delta when the value moves by more than it. Only monitors of a severity within
        the monitoring level, and transaction monitors only during a transaction."""
        old, new = _number(before), _number(after)
        fired: list[Trigger] = []
        for monitor in self.by_id.values():
            if monitor.key != key or monitor.severity > self.level:
                continue
            if monitor.transaction and not in_transaction:
                continue
            fired.extend(_fires(monitor, before, after, old, new))
        return fired


def _fires(
    monitor: Monitor, before: str, after: str, old: float | None, new: float | None
) -> Iterable[Trigger]:
    if monitor.type == "Delta":
        moved = before != after if old is None or new is None else abs(new - old) >= monitor.value
        if moved:
            yield Trigger(monitor, "Delta", after)
        return
    if monitor.type not in THRESHOLDS or old is None or new is None:
        return
    upper = monitor.type == "UpperThreshold"
    was = old > monitor.value if upper else old < monitor.value
    now = new > monitor.value if upper else new < monitor.value
    if now != was:
        yield Trigger(monitor, "Alerting", after, cleared=not now)


def _matches(key: VariableKey, item: dict[str, Any]) -> bool:
    component, variable = item["component"], item.get("variable")
    evse = component.get("evse") or {}
    return (
        component["name"] == key.component
        and evse.get("id") in (None, key.evse_id)
        and evse.get("connector_id") in (None, key.connector_id)
        and (variable is None or variable["name"] == key.variable)
        and (variable is None or variable.get("instance") in (None, key.instance))
    )
