"""OCPP 2.x device model operations (B06 GetVariables, B05 SetVariables, B07
GetBaseReport, B08 GetReport) behind the API's 1.6-shaped configuration RPCs and GetReport.

An API configuration key is ``"Component.Variable"`` split at the first ".", e.g.
``"OCPPCommCtrlr.HeartbeatInterval"``; components are named without instance or EVSE.
Pure."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import operations_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.v16.operations.fields import choice
from edge.v201.operations.fields import Kwargs, mapped

Change = operations_pb2.ChangeConfigurationResponse
Report = operations_pb2.GetReportRequest

_SET_STATUS = {
    "Accepted": Change.ACCEPTED,
    "RebootRequired": Change.REBOOT_REQUIRED,
    "Rejected": Change.REJECTED,
    "UnknownComponent": Change.NOT_SUPPORTED,
    "UnknownVariable": Change.NOT_SUPPORTED,
    "NotSupportedAttributeType": Change.NOT_SUPPORTED,
}

# OCPP 2.0.1 ReportBaseEnumType; unspecified is a full inventory, the API's default.
_REPORT_BASE = {
    Report.BASE_UNSPECIFIED: "FullInventory",
    Report.FULL_INVENTORY: "FullInventory",
    Report.CONFIGURATION_INVENTORY: "ConfigurationInventory",
    Report.SUMMARY_INVENTORY: "SummaryInventory",
}


def component_variable(key: str, field: str) -> Kwargs:
    """One ``"Component.Variable"`` key as 2.x ComponentVariable fields."""
    component, dot, variable = key.partition(".")
    if not component or not dot or not variable:
        raise InvalidRequest(
            f"{field} must be 'Component.Variable' in OCPP 2.x "
            f"(e.g. 'OCPPCommCtrlr.HeartbeatInterval'), got {key!r}"
        )
    return {"component": {"name": component}, "variable": {"name": variable}}


def get_variables_request(request: operations_pb2.GetConfigurationRequest) -> Kwargs:
    """GetConfiguration as B06 GetVariables of the Actual values of the keys."""
    if not request.keys:
        raise InvalidRequest("OCPP 2.x has no 'all variables' GetVariables; use GetReport")
    return {
        "get_variable_data": [
            {"attribute_type": "Actual", **component_variable(key, f"keys[{index}]")}
            for index, key in enumerate(request.keys)
        ]
    }


def get_variables_answer(answer: Any) -> operations_pb2.GetConfigurationResponse:
    """Accepted results are configuration keys; GetVariables does not say whether a
    variable is read-only (that is in the device model's mutability), so readonly is
    false. Every other status (UnknownComponent, UnknownVariable, and also Rejected
    and NotSupportedAttributeType, which 1.6's answer cannot tell apart) lists the
    key among the unknown keys."""
    response = operations_pb2.GetConfigurationResponse()
    for result in answer.get_variable_result:
        key = f"{result['component']['name']}.{result['variable']['name']}"
        if result["attribute_status"] == "Accepted":
            response.configuration_keys.append(
                operations_pb2.ConfigurationKey(
                    key=key, value=result.get("attribute_value", ""), readonly=False
                )
            )
        else:
            response.unknown_keys.append(key)
    return response


def set_variables_request(request: operations_pb2.ChangeConfigurationRequest) -> Kwargs:
    """ChangeConfiguration as B05 SetVariables of one Actual value."""
    return {
        "set_variable_data": [
            {
                "attribute_type": "Actual",
                "attribute_value": request.value,
                **component_variable(request.key, "key"),
            }
        ]
    }


def set_variables_answer(answer: Any) -> Change:
    results = answer.set_variable_result
    if len(results) != 1:
        raise AnswerFault(f"setVariableResult has {len(results)} results for one variable")
    return Change(status=mapped(_SET_STATUS, results[0]["attribute_status"], "attributeStatus"))


# OCPP 2.0.1 ComponentCriterionEnumType.
_CRITERIA = {
    Report.ACTIVE: "Active",
    Report.AVAILABLE: "Available",
    Report.ENABLED: "Enabled",
    Report.PROBLEM: "Problem",
}


def is_filtered(request: operations_pb2.GetReportRequest) -> bool:
    """A request naming components, variables or criteria is a GetReport (B08)."""
    return bool(request.component_variables) or bool(request.criteria)


def report_request(resolved: Resolved) -> Kwargs:
    """GetReport (B08): ``"Component"`` or ``"Component.Variable"`` entries and criteria."""
    request: operations_pb2.GetReportRequest = resolved.request
    kwargs: Kwargs = {"request_id": resolved.request_id}
    if request.component_variables:
        kwargs["component_variable"] = [
            _component_or_variable(key, f"component_variables[{index}]")
            for index, key in enumerate(request.component_variables)
        ]
    if request.criteria:
        kwargs["component_criteria"] = [
            choice(value, _CRITERIA, f"criteria[{index}]", Report.Criterion.DESCRIPTOR)
            for index, value in enumerate(request.criteria)
        ]
    return kwargs


def _component_or_variable(key: str, field: str) -> Kwargs:
    if "." in key:
        return component_variable(key, field)
    if not key:
        raise InvalidRequest(f"{field} must name a component, e.g. 'EVSE'")
    return {"component": {"name": key}}


def base_report_request(resolved: Resolved) -> Kwargs:
    request: Report = resolved.request
    return {
        "request_id": resolved.request_id,
        "report_base": choice(request.base, _REPORT_BASE, "base", Report.Base.DESCRIPTOR),
    }


def base_report_answer(reply: Reply) -> operations_pb2.GetReportResponse:
    """The status as the station wrote it, and the request id its NotifyReport parts
    will carry."""
    return operations_pb2.GetReportResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )
