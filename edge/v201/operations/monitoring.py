"""OCPP 2.x monitoring operations (2.0.1 Part 2 N02-N06): SetVariableMonitoring,
ClearVariableMonitoring, SetMonitoringBase, SetMonitoringLevel and GetMonitoringReport.

2.1 keeps their shapes; it adds the monitor types TargetDelta and TargetDeltaRelative,
which the 2.0.1 request schema refuses before anything is sent. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from csms.edge.v1 import monitoring_pb2, operations_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.v16.operations.fields import choice
from edge.v201.operations.fields import Kwargs, mapped

Setting = monitoring_pb2.MonitorSetting
SetResult = monitoring_pb2.MonitorSettingResult
ClearResult = monitoring_pb2.ClearMonitorResult
DeviceStatus = monitoring_pb2.DeviceModelStatus
Base = monitoring_pb2.SetMonitoringBaseRequest
Criterion = monitoring_pb2.GetMonitoringReportRequest

# OCPP 2.x MonitorEnumType.
MONITOR_TYPES: Mapping[int, str] = {
    monitoring_pb2.UPPER_THRESHOLD: "UpperThreshold",
    monitoring_pb2.LOWER_THRESHOLD: "LowerThreshold",
    monitoring_pb2.DELTA: "Delta",
    monitoring_pb2.PERIODIC: "Periodic",
    monitoring_pb2.PERIODIC_CLOCK_ALIGNED: "PeriodicClockAligned",
    monitoring_pb2.TARGET_DELTA: "TargetDelta",
    monitoring_pb2.TARGET_DELTA_RELATIVE: "TargetDeltaRelative",
}
_MONITOR_TYPE_VALUES = {
    text: monitoring_pb2.MonitorType.ValueType(number) for number, text in MONITOR_TYPES.items()
}

_SET_STATUS = {
    "Accepted": SetResult.ACCEPTED,
    "UnknownComponent": SetResult.UNKNOWN_COMPONENT,
    "UnknownVariable": SetResult.UNKNOWN_VARIABLE,
    "UnsupportedMonitorType": SetResult.UNSUPPORTED_MONITOR_TYPE,
    "Rejected": SetResult.REJECTED,
    "Duplicate": SetResult.DUPLICATE,
}
_CLEAR_STATUS = {
    "Accepted": ClearResult.ACCEPTED,
    "Rejected": ClearResult.REJECTED,
    "NotFound": ClearResult.NOT_FOUND,
}
# GenericDeviceModelStatusEnumType.
_DEVICE_STATUS = {
    "Accepted": DeviceStatus.ACCEPTED,
    "Rejected": DeviceStatus.REJECTED,
    "NotSupported": DeviceStatus.NOT_SUPPORTED,
    "EmptyResultSet": DeviceStatus.EMPTY_RESULT_SET,
}
# GenericStatusEnumType.
_GENERIC_STATUS = {
    "Accepted": operations_pb2.OperationStatus.ACCEPTED,
    "Rejected": operations_pb2.OperationStatus.REJECTED,
}
_BASES = {
    Base.ALL: "All",
    Base.FACTORY_DEFAULT: "FactoryDefault",
    Base.HARD_WIRED_ONLY: "HardWiredOnly",
}
_CRITERIA = {
    Criterion.THRESHOLD_MONITORING: "ThresholdMonitoring",
    Criterion.DELTA_MONITORING: "DeltaMonitoring",
    Criterion.PERIODIC_MONITORING: "PeriodicMonitoring",
}

# SetMonitoringDataType.severity and SetMonitoringLevelRequest.severity: 0 (Danger) to
# 9 (Debug), as their descriptions in OCPP 2.0.1 Part 2 say; the schema says "integer".
SEVERITIES = range(10)


def _severity(message: Any, field: str) -> int:
    if not message.HasField("severity"):
        raise InvalidRequest(f"{field} is required: 0 (Danger) to 9 (Debug)")
    severity: int = message.severity
    if severity not in SEVERITIES:
        raise InvalidRequest(f"{field} must be 0 (Danger) to 9 (Debug), got {severity}")
    return severity


def component_variable(
    target: monitoring_pb2.MonitoredVariable, field: str, *, variable_required: bool = True
) -> Kwargs:
    """A MonitoredVariable as OCPP 2.x ``component`` and ``variable`` objects."""
    if not target.component:
        raise InvalidRequest(f"{field}.component is required, e.g. 'EVSE'")
    if target.evse_id < 0 or target.connector_id < 0:
        raise InvalidRequest(f"{field}.evse_id and {field}.connector_id must be 0 or more")
    if target.connector_id and not target.evse_id:
        raise InvalidRequest(f"{field}.connector_id needs {field}.evse_id (a connector is on one)")
    component: Kwargs = {"name": target.component}
    if target.component_instance:
        component["instance"] = target.component_instance
    if target.evse_id:
        component["evse"] = {"id": target.evse_id}
        if target.connector_id:
            component["evse"]["connector_id"] = target.connector_id
    kwargs: Kwargs = {"component": component}
    if target.variable:
        variable: Kwargs = {"name": target.variable}
        if target.variable_instance:
            variable["instance"] = target.variable_instance
        kwargs["variable"] = variable
    elif variable_required:
        raise InvalidRequest(f"{field}.variable is required, e.g. 'Power'")
    elif target.variable_instance:
        raise InvalidRequest(f"{field}.variable_instance needs {field}.variable")
    return kwargs


def monitored_variable(item: Mapping[str, Any]) -> monitoring_pb2.MonitoredVariable:
    """A station's ``component`` and ``variable`` as a MonitoredVariable."""
    component = item["component"]
    evse = component.get("evse") or {}
    variable = item.get("variable") or {}
    return monitoring_pb2.MonitoredVariable(
        component=component["name"],
        component_instance=component.get("instance", ""),
        evse_id=evse.get("id", 0),
        connector_id=evse.get("connector_id", 0),
        variable=variable.get("name", ""),
        variable_instance=variable.get("instance", ""),
    )


def _setting(setting: Setting, field: str) -> Kwargs:
    if not math.isfinite(setting.value):
        # Proto3 JSON reads "NaN" and "Infinity"; OCPP's JSON has no such numbers.
        raise InvalidRequest(f"{field}.value must be a finite number, got {setting.value}")
    kwargs: Kwargs = {
        "type": choice(
            setting.type, MONITOR_TYPES, f"{field}.type", monitoring_pb2.MonitorType.DESCRIPTOR
        ),
        "value": setting.value,
        "severity": _severity(setting, f"{field}.severity"),
        "transaction": setting.transaction,
        **component_variable(setting.variable, f"{field}.variable"),
    }
    if setting.HasField("id"):
        if setting.id < 0:
            raise InvalidRequest(
                f"{field}.id must be a monitor id of the station, got {setting.id}"
            )
        # SetMonitoringDataType.id: given only to replace the station's monitor of that id.
        kwargs["id"] = setting.id
    return kwargs


def set_request(request: monitoring_pb2.SetVariableMonitoringRequest) -> Kwargs:
    """N04 SetVariableMonitoring: one SetMonitoringData per monitor, in order."""
    if not request.monitors:
        raise InvalidRequest("monitors must name at least one monitor to set")
    return {
        "set_monitoring_data": [
            _setting(setting, f"monitors[{index}]")
            for index, setting in enumerate(request.monitors)
        ]
    }


def _status_info(item: Mapping[str, Any]) -> tuple[str, str]:
    """statusInfo (reasonCode, additionalInfo) of a result item; empty when absent."""
    return _reason(item.get("status_info"))


def _reason(info: Mapping[str, Any] | None) -> tuple[str, str]:
    info = info or {}
    return info.get("reason_code", ""), info.get("additional_info", "")


def set_answer(answer: Any) -> monitoring_pb2.SetVariableMonitoringResponse:
    response = monitoring_pb2.SetVariableMonitoringResponse()
    for index, item in enumerate(answer.set_monitoring_result):
        reason, info = _status_info(item)
        result = SetResult(
            status=mapped(_SET_STATUS, item["status"], f"setMonitoringResult[{index}].status"),
            variable=monitored_variable(item),
            type=mapped(_MONITOR_TYPE_VALUES, item["type"], f"setMonitoringResult[{index}].type"),
            severity=item["severity"],
            reason_code=reason,
            additional_info=info,
        )
        if "id" in item:
            result.id = item["id"]
        elif result.status == SetResult.ACCEPTED:
            # An accepted monitor has the id the station gave it (SetMonitoringResultType.id);
            # without one the CSMS could never clear or replace it.
            raise AnswerFault(f"setMonitoringResult[{index}] is Accepted without an id")
        response.results.append(result)
    return response


def clear_request(request: monitoring_pb2.ClearVariableMonitoringRequest) -> Kwargs:
    """N06 ClearVariableMonitoring of the station's monitor ids."""
    if not request.ids:
        raise InvalidRequest("ids must name at least one monitor id to clear")
    for index, monitor_id in enumerate(request.ids):
        if monitor_id < 0:
            raise InvalidRequest(
                f"ids[{index}] must be a monitor id of the station, got {monitor_id}"
            )
    return {"id": list(request.ids)}


def clear_answer(answer: Any) -> monitoring_pb2.ClearVariableMonitoringResponse:
    response = monitoring_pb2.ClearVariableMonitoringResponse()
    for index, item in enumerate(answer.clear_monitoring_result):
        reason, info = _status_info(item)
        response.results.append(
            ClearResult(
                id=item["id"],
                status=mapped(
                    _CLEAR_STATUS, item["status"], f"clearMonitoringResult[{index}].status"
                ),
                reason_code=reason,
                additional_info=info,
            )
        )
    return response


def base_request(request: monitoring_pb2.SetMonitoringBaseRequest) -> Kwargs:
    """N03 SetMonitoringBase."""
    return {"monitoring_base": choice(request.base, _BASES, "base", Base.Base.DESCRIPTOR)}


def base_answer(answer: Any) -> monitoring_pb2.SetMonitoringBaseResponse:
    reason, info = _reason(answer.status_info)
    return monitoring_pb2.SetMonitoringBaseResponse(
        status=mapped(_DEVICE_STATUS, answer.status, "status"),
        reason_code=reason,
        additional_info=info,
    )


def level_request(request: monitoring_pb2.SetMonitoringLevelRequest) -> Kwargs:
    """N05 SetMonitoringLevel: the station reports events of this severity or lower."""
    return {"severity": _severity(request, "severity")}


def level_answer(answer: Any) -> monitoring_pb2.SetMonitoringLevelResponse:
    reason, info = _reason(answer.status_info)
    return monitoring_pb2.SetMonitoringLevelResponse(
        status=mapped(_GENERIC_STATUS, answer.status, "status"),
        reason_code=reason,
        additional_info=info,
    )


def report_request(resolved: Resolved) -> Kwargs:
    """N02 GetMonitoringReport, with the request id its NotifyMonitoringReport parts carry."""
    request: monitoring_pb2.GetMonitoringReportRequest = resolved.request
    kwargs: Kwargs = {"request_id": resolved.request_id}
    if request.criteria:
        kwargs["monitoring_criteria"] = [
            choice(value, _CRITERIA, f"criteria[{index}]", Criterion.Criterion.DESCRIPTOR)
            for index, value in enumerate(request.criteria)
        ]
    if request.component_variables:
        kwargs["component_variable"] = [
            component_variable(target, f"component_variables[{index}]", variable_required=False)
            for index, target in enumerate(request.component_variables)
        ]
    return kwargs


def report_answer(reply: Reply) -> monitoring_pb2.GetMonitoringReportResponse:
    reason, info = _reason(reply.payload.status_info)
    return monitoring_pb2.GetMonitoringReportResponse(
        status=mapped(_DEVICE_STATUS, reply.payload.status, "status"),
        request_id=reply.resolved.request_id,
        reason_code=reason,
        additional_info=info,
    )
