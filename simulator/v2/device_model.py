"""The station's device model (OCPP 2.0.1 Part 1 §4, Part 2 §B "Configuration"): components
and their variables, read by GetVariables and GetBaseReport, written by SetVariables."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

ACTUAL = "Actual"


class DataType(Enum):
    """A variable's ``dataType`` (Part 2 §2.53); a SetVariables value of another shape is
    Rejected."""

    INTEGER = "integer"
    BOOLEAN = "boolean"
    STRING = "string"
    MEMBER_LIST = "MemberList"
    OPTION_LIST = "OptionList"

    def accepts(self, value: str) -> bool:
        if self is DataType.INTEGER:
            return value.lstrip("-").isdigit()
        if self is DataType.BOOLEAN:
            return value.lower() in ("true", "false")
        return True


@dataclass(frozen=True)
class VariableKey:
    """Where a variable lives: component (with its EVSE and connector) and variable name."""

    component: str
    variable: str
    evse_id: int | None = None
    connector_id: int | None = None
    instance: str | None = None

    @classmethod
    def parse(cls, component: dict[str, Any], variable: dict[str, Any]) -> VariableKey:
        """From the ``component`` and ``variable`` objects of a request (snake_case)."""
        evse = component.get("evse") or {}
        return cls(
            component["name"],
            variable["name"],
            evse.get("id"),
            evse.get("connector_id"),
            variable.get("instance"),
        )

    def component_payload(self) -> dict[str, Any]:
        result: dict[str, Any] = {"name": self.component}
        if self.evse_id is not None:
            evse: dict[str, Any] = {"id": self.evse_id}
            if self.connector_id is not None:
                evse["connector_id"] = self.connector_id
            result["evse"] = evse
        return result

    def variable_payload(self) -> dict[str, Any]:
        result: dict[str, Any] = {"name": self.variable}
        if self.instance is not None:
            result["instance"] = self.instance
        return result


@dataclass(frozen=True)
class Variable:
    key: VariableKey
    data_type: DataType
    value: str
    read_only: bool = False

    @property
    def mutability(self) -> str:
        return "ReadOnly" if self.read_only else "ReadWrite"

    def report_data(self) -> dict[str, Any]:
        """One ``ReportDataType`` of NotifyReport (Part 2 §2.47)."""
        return {
            "component": self.key.component_payload(),
            "variable": self.key.variable_payload(),
            "variable_attribute": [
                {"type": ACTUAL, "value": self.value, "mutability": self.mutability}
            ],
            "variable_characteristics": {
                "data_type": self.data_type.value,
                "supports_monitoring": False,
            },
        }


def station_variables(evses: int, sample_interval: str) -> list[Variable]:
    """A small but realistic device model: the controllers a simulated station needs, one
    EVSE with one connector per ``--connectors``. ``sample_interval`` is ``--interval``."""
    integer, boolean, text = DataType.INTEGER, DataType.BOOLEAN, DataType.STRING

    def key(component: str, variable: str, instance: str | None = None) -> VariableKey:
        return VariableKey(component, variable, instance=instance)

    variables = [
        Variable(key("OCPPCommCtrlr", "HeartbeatInterval"), integer, "300"),
        Variable(key("OCPPCommCtrlr", "WebSocketPingInterval"), integer, "20"),
        Variable(key("OCPPCommCtrlr", "ResetRetries"), integer, "1"),
        Variable(key("SampledDataCtrlr", "TxUpdatedInterval"), integer, sample_interval),
        Variable(
            key("SampledDataCtrlr", "TxUpdatedMeasurands"),
            DataType.MEMBER_LIST,
            "Energy.Active.Import.Register,Power.Active.Import",
        ),
        Variable(key("AuthCtrlr", "AuthorizeRemoteStart"), boolean, "false"),
        Variable(key("AuthCtrlr", "LocalPreAuthorize"), boolean, "false"),
        Variable(key("AuthCacheCtrlr", "Enabled"), boolean, "true"),
        Variable(key("LocalAuthListCtrlr", "Enabled"), boolean, "true"),
        Variable(key("LocalAuthListCtrlr", "ItemsPerMessage"), integer, "20", read_only=True),
        Variable(key("LocalAuthListCtrlr", "Entries"), integer, "100", read_only=True),
        Variable(key("TxCtrlr", "StopTxOnInvalidId"), boolean, "true"),
        Variable(key("TxCtrlr", "EVConnectionTimeOut"), integer, "60"),
        Variable(key("ReservationCtrlr", "Enabled"), boolean, "true", read_only=True),
        Variable(key("SmartChargingCtrlr", "ProfileStackLevel"), integer, "8", read_only=True),
        Variable(key("SmartChargingCtrlr", "PeriodsPerSchedule"), integer, "24", read_only=True),
        Variable(key("DeviceDataCtrlr", "ItemsPerMessage", "GetReport"), integer, "8", True),
        # Few, as small stations have, so that a CSMS must split its requests (B05, B06).
        Variable(key("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables"), integer, "4", True),
        Variable(key("DeviceDataCtrlr", "ItemsPerMessage", "SetVariables"), integer, "4", True),
        Variable(key("DeviceDataCtrlr", "BytesPerMessage", "GetVariables"), integer, "4096", True),
        Variable(key("DeviceDataCtrlr", "BytesPerMessage", "SetVariables"), integer, "4096", True),
        Variable(
            key("MonitoringCtrlr", "ItemsPerMessage", "SetVariableMonitoring"), integer, "8", True
        ),
        Variable(
            key("MonitoringCtrlr", "ItemsPerMessage", "ClearVariableMonitoring"), integer, "8", True
        ),
        Variable(key("ChargingStation", "Model"), text, "csms-sim", read_only=True),
        Variable(key("ChargingStation", "VendorName"), text, "CSMS", read_only=True),
        Variable(key("ChargingStation", "AvailabilityState"), text, "Available", True),
        # B09/B10, A00/A01: the slots tried in order (empty: as started), the Basic auth
        # password and the profile of the current connection (simulator.v2.network).
        Variable(key("OCPPCommCtrlr", "NetworkConfigurationPriority"), text, ""),
        Variable(key("SecurityCtrlr", "BasicAuthPassword"), text, ""),
        Variable(key("SecurityCtrlr", "SecurityProfile"), integer, "0", read_only=True),
    ]
    for evse in range(1, evses + 1):
        variables += [
            Variable(VariableKey("EVSE", "AvailabilityState", evse), text, "Available", True),
            Variable(VariableKey("EVSE", "Power", evse), integer, "11000", read_only=True),
            Variable(
                VariableKey("Connector", "AvailabilityState", evse, 1), text, "Available", True
            ),
            # AC on odd EVSEs, DC on even ones: reservations by connector type (H01) have a
            # choice to make with --connectors 2 or more.
            Variable(
                VariableKey("Connector", "ConnectorType", evse, 1),
                text,
                "cType2" if evse % 2 else "cCCS2",
                True,
            ),
        ]
    return variables


class DeviceModel:
    """Current values; they survive a reset like a real station's settings."""

    def __init__(self, variables: list[Variable]) -> None:
        self._variables = {variable.key: variable for variable in variables}

    def all(self) -> list[Variable]:
        return list(self._variables.values())

    def get(self, key: VariableKey, attribute: str | None) -> tuple[str, str | None]:
        """GetVariables (B06): the attribute status and, when Accepted, the value."""
        variable = self._variables.get(key)
        if variable is None:
            known = any(k.component == key.component for k in self._variables)
            return ("UnknownVariable" if known else "UnknownComponent"), None
        if attribute not in (None, ACTUAL):
            return "NotSupportedAttributeType", None
        return "Accepted", variable.value

    def set(self, key: VariableKey, value: str, attribute: str | None) -> str:
        """SetVariables (B05): Rejected for a ReadOnly variable or a value of the wrong
        data type (B05.FR.04, B05.FR.08)."""
        variable = self._variables.get(key)
        if variable is None:
            known = any(k.component == key.component for k in self._variables)
            return "UnknownVariable" if known else "UnknownComponent"
        if attribute not in (None, ACTUAL):
            return "NotSupportedAttributeType"
        if variable.read_only or not variable.data_type.accepts(value):
            return "Rejected"
        self.adopt(key, value)
        return "Accepted"

    def refusal(self, key: VariableKey, value: str) -> str | None:
        """Why a SetVariables of ``value`` is Rejected, as a statusInfo reasonCode (Part 2
        Appendix reason codes): ReadOnly, or InvalidValue for the wrong data type."""
        variable = self._variables.get(key)
        if variable is None:
            return None
        if variable.read_only:
            return "ReadOnly"
        return None if variable.data_type.accepts(value) else "InvalidValue"

    def adopt(self, key: VariableKey, value: str) -> None:
        """A value the station itself sets, such as the boot interval (B01.FR.04) or a
        connector's AvailabilityState."""
        variable = self._variables[key]
        self._variables[key] = Variable(key, variable.data_type, value, variable.read_only)

    def data_type(self, key: VariableKey) -> DataType | None:
        variable = self._variables.get(key)
        return None if variable is None else variable.data_type

    def value_of(self, key: VariableKey) -> str:
        return self._variables[key].value

    def value(self, component: str, variable: str) -> str:
        return self.value_of(VariableKey(component, variable))

    def number(self, component: str, variable: str) -> float:
        return float(self.value(component, variable))

    def flag(self, component: str, variable: str) -> bool:
        return self.value(component, variable).lower() == "true"

    def select(self, wanted: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """GetReport's data (B08): the variables named in ``componentVariable`` (a
        component without a variable means all of its variables), or all of them."""
        if not wanted:
            return self.report("FullInventory")
        return [
            variable.report_data()
            for variable in self._variables.values()
            if any(_matches(variable.key, item) for item in wanted)
        ]

    def report(self, base: str) -> list[dict[str, Any]]:
        """GetBaseReport's data (B07): every variable for FullInventory and
        SummaryInventory, the writable ones for ConfigurationInventory."""
        return [
            variable.report_data()
            for variable in self._variables.values()
            if base != "ConfigurationInventory" or not variable.read_only
        ]


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
