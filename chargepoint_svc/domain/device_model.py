"""A station's device model as it reports it: OCPP 2.x NotifyReport (2.0.1 B07/B08).

A report comes in parts, each a list of ReportDataType; the edge flattens every
variableAttribute of each into one :class:`ReportedVariable`. A later report replaces a
variable in place: its identity is :attr:`ReportedVariable.key`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.errors import InvalidReport

# The widest value of each field OCPP 2.0.1/2.1 allows (ComponentType, VariableType,
# VariableAttributeType, VariableCharacteristicsType); the columns are this wide.
VARIABLE_MAX_LENGTH: dict[str, int] = {
    "component": 50,
    "component_instance": 50,
    "variable": 50,
    "variable_instance": 50,
    "attribute_type": 16,
    "value": 2500,
    "mutability": 16,
    "data_type": 16,
    "unit": 16,
    "values_list": 1000,
}

# 2.0.1 VariableAttributeType.type: "Actual" when the station leaves it out.
DEFAULT_ATTRIBUTE_TYPE = "Actual"

VariableKey = tuple[str, str, int, int, str, str, str]


@dataclass(frozen=True)
class ReportedVariable:
    """One attribute of one variable of one component, as last reported."""

    component: str
    variable: str
    component_instance: str = ""
    evse_id: int = 0
    connector_id: int = 0
    variable_instance: str = ""
    attribute_type: str = DEFAULT_ATTRIBUTE_TYPE
    value: str = ""
    mutability: str = ""
    data_type: str = ""
    unit: str = ""
    values_list: str = ""

    def __post_init__(self) -> None:
        if not self.component:
            raise InvalidReport("component is required for every reported variable")
        if not self.variable:
            raise InvalidReport(f"variable is required for every variable of {self.component}")
        if not self.attribute_type:
            raise InvalidReport("attribute_type must not be empty; leave it 'Actual'")
        if self.evse_id < 0 or self.connector_id < 0:
            raise InvalidReport(
                f"evse_id and connector_id must be 0 or more, got {self.evse_id}/"
                f"{self.connector_id} for {self.component}.{self.variable}"
            )
        if self.connector_id and not self.evse_id:
            # 2.0.1 EVSEType: a connectorId only has a meaning on an EVSE.
            raise InvalidReport(
                f"{self.component}.{self.variable} names connector {self.connector_id} "
                "without an EVSE; give evse_id too"
            )
        for name, limit in VARIABLE_MAX_LENGTH.items():
            size = len(getattr(self, name))
            if size > limit:
                raise InvalidReport(
                    f"{name} of {self.component}.{self.variable} is {size} characters long; "
                    f"OCPP allows at most {limit}"
                )

    @property
    def key(self) -> VariableKey:
        """What identifies the variable's attribute; also the order operators see."""
        return (
            self.component,
            self.component_instance,
            self.evse_id,
            self.connector_id,
            self.variable,
            self.variable_instance,
            self.attribute_type,
        )


@dataclass(frozen=True)
class ReportPart:
    """One NotifyReport: part ``seq_no`` of report ``request_id``; ``tbc`` says more follow."""

    request_id: int
    seq_no: int
    tbc: bool
    variables: tuple[ReportedVariable, ...] = ()
    generated_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.seq_no < 0:
            raise InvalidReport(
                f"seq_no must be 0 or more (the first part is 0), got {self.seq_no}"
            )

    @property
    def completes(self) -> bool:
        """The last part has ``tbc`` false (OCPP 2.0.1 B07/B08, NotifyReportRequest.tbc).
        Parts may arrive out of order; the report counts as complete with this one."""
        return not self.tbc

    def distinct_variables(self) -> tuple[ReportedVariable, ...]:
        """The variables, one per key: a later one in the part wins over an earlier."""
        return tuple({variable.key: variable for variable in self.variables}.values())


@dataclass(frozen=True)
class DeviceModel:
    """Everything a station reported, ordered by :attr:`ReportedVariable.key`."""

    charge_point_id: ChargePointId
    reported_at: datetime | None
    variables: tuple[ReportedVariable, ...]


def merge_values(
    stored: Iterable[ReportedVariable], answered: Sequence[ReportedVariable]
) -> tuple[ReportedVariable, ...]:
    """What a GetVariables (B06) or SetVariables (B05) answer changes in a device model:
    each answered variable with its new value. A stored one keeps its mutability and
    characteristics (an answer carries only the value); one the station never reported is
    added as answered. A later answer of the same variable wins."""
    known = {variable.key: variable for variable in stored}
    merged: dict[VariableKey, ReportedVariable] = {}
    for variable in answered:
        before = known.get(variable.key)
        merged[variable.key] = variable if before is None else replace(before, value=variable.value)
    return tuple(merged.values())
