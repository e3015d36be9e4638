"""OCPP 2.x GetVariables (B06) and SetVariables (B05) of many variables, as batched
operations: the edge splits the items into as many messages as the station takes
(:mod:`edge.operations.batches`) and answers in request order. Pure.

Names are checked before anything is sent: OCPP 2.0.1 ComponentType and VariableType
allow at most 50 characters for names and instances (the schema sets no character set;
control characters are refused, as no station reports them), SetVariableDataType at most
1000 for a value; EVSE and connector ids are 0 (none) or more, and a connector needs its
EVSE (EVSEType). When the station's device model is complete (a report ended), a
component or variable it never reported is refused with a 400 naming it, rather than
sent to come back UnknownComponent or UnknownVariable.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from csms.chargepoint.v1 import chargepoint_pb2
from csms.edge.v1 import device_model_pb2 as pb
from edge.operations.errors import InvalidRequest
from edge.operations.translators import AnswerFault
from edge.v16.operations.fields import choice
from edge.v201.operations.fields import Kwargs, mapped

NAME_LENGTH = 50
VALUE_LENGTH = 1000

_ATTRIBUTE = {
    pb.ATTRIBUTE_TYPE_UNSPECIFIED: "Actual",
    pb.ACTUAL: "Actual",
    pb.TARGET: "Target",
    pb.MIN_SET: "MinSet",
    pb.MAX_SET: "MaxSet",
}
_ATTRIBUTE_BACK = {text: number for number, text in _ATTRIBUTE.items() if number}

_STATUS = {
    "Accepted": pb.ACCEPTED,
    "Rejected": pb.REJECTED,
    "UnknownComponent": pb.UNKNOWN_COMPONENT,
    "UnknownVariable": pb.UNKNOWN_VARIABLE,
    "NotSupportedAttributeType": pb.NOT_SUPPORTED_ATTRIBUTE_TYPE,
    "RebootRequired": pb.REBOOT_REQUIRED,
}

# What a station took (B05): its value is the device model's value from now on, at once
# or after the reboot RebootRequired asks for.
_TAKEN = frozenset({pb.ACCEPTED, pb.REBOOT_REQUIRED})

Key = tuple[str, str, int, int, str, str, str]


def _text(value: str, field: str, limit: int, *, needed: bool) -> str:
    if needed and not value:
        raise InvalidRequest(f"{field} is required")
    if len(value) > limit:
        raise InvalidRequest(
            f"{field} is {len(value)} characters long; OCPP 2.0.1 allows at most {limit}"
        )
    if not value.isprintable():
        raise InvalidRequest(f"{field} must not contain control characters, got {value!r}")
    return value


def _component(component: pb.Component, field: str) -> Kwargs:
    result: Kwargs = {"name": _text(component.name, f"{field}.name", NAME_LENGTH, needed=True)}
    if component.instance:
        result["instance"] = _text(
            component.instance, f"{field}.instance", NAME_LENGTH, needed=False
        )
    if component.evse_id < 0 or component.connector_id < 0:
        raise InvalidRequest(
            f"{field}.evse_id and {field}.connector_id must be 0 (none) or more, got "
            f"{component.evse_id}/{component.connector_id}"
        )
    if component.connector_id and not component.evse_id:
        raise InvalidRequest(
            f"{field}.connector_id needs {field}.evse_id: a connector is numbered within "
            "its EVSE (OCPP 2.0.1 EVSEType)"
        )
    if component.evse_id:
        evse: Kwargs = {"id": component.evse_id}
        if component.connector_id:
            evse["connector_id"] = component.connector_id
        result["evse"] = evse
    return result


def _variable(variable: pb.Variable, field: str) -> Kwargs:
    result: Kwargs = {"name": _text(variable.name, f"{field}.name", NAME_LENGTH, needed=True)}
    if variable.instance:
        result["instance"] = _text(
            variable.instance, f"{field}.instance", NAME_LENGTH, needed=False
        )
    return result


def item_key(item: Kwargs) -> Key:
    """What identifies a requested or answered attribute; names compare without case
    (OCPP 2.0.1 ComponentType.name: "Case Insensitive")."""
    component, variable = item["component"], item["variable"]
    evse = component.get("evse") or {}
    return (
        component["name"].casefold(),
        component.get("instance", "").casefold(),
        evse.get("id", 0),
        evse.get("connector_id", 0),
        variable["name"].casefold(),
        variable.get("instance", "").casefold(),
        item.get("attribute_type") or "Actual",
    )


def _known_keys(known: Sequence[chargepoint_pb2.ReportedVariable]) -> set[Key]:
    return {
        (
            v.component.casefold(),
            v.component_instance.casefold(),
            v.evse_id,
            v.connector_id,
            v.variable.casefold(),
            v.variable_instance.casefold(),
            "",
        )
        for v in known
    }


def _check_known(
    items: list[Kwargs], known: Sequence[chargepoint_pb2.ReportedVariable] | None
) -> None:
    """A complete device model names every component and variable of the station."""
    if known is None:
        return
    variables = _known_keys(known)
    components = {key[:4] for key in variables}
    for index, item in enumerate(items):
        key = (*item_key(item)[:6], "")
        if key[:4] not in components:
            raise InvalidRequest(
                f"variables[{index}].component {_describe_component(item)} is not in the "
                "device model the station reported; check its name, instance and EVSE "
                "(GET .../device-model)"
            )
        if key not in variables:
            raise InvalidRequest(
                f"variables[{index}].variable {item['variable']['name']!r} is not a variable "
                f"of {_describe_component(item)} in the device model the station reported "
                "(GET .../device-model)"
            )


def _describe_component(item: Kwargs) -> str:
    component = item["component"]
    text = repr(component["name"])
    if component.get("instance"):
        text += f" (instance {component['instance']!r})"
    evse = component.get("evse")
    if evse:
        text += f" on EVSE {evse['id']}"
        if evse.get("connector_id"):
            text += f" connector {evse['connector_id']}"
    return text


def _common(entry: Any, index: int) -> Kwargs:
    field = f"variables[{index}]"
    return {
        "component": _component(entry.component, f"{field}.component"),
        "variable": _variable(entry.variable, f"{field}.variable"),
        "attribute_type": choice(
            entry.attribute_type, _ATTRIBUTE, f"{field}.attribute_type", pb.AttributeType.DESCRIPTOR
        ),
    }


def _checked(items: list[Kwargs], known: Sequence[Any] | None) -> list[Kwargs]:
    if not items:
        raise InvalidRequest("variables must name at least one variable")
    seen: dict[Key, int] = {}
    for index, item in enumerate(items):
        earlier = seen.setdefault(item_key(item), index)
        if earlier != index:
            raise InvalidRequest(f"variables[{index}] repeats variables[{earlier}]")
    _check_known(items, known)
    return items


def read_items(request: pb.GetVariablesRequest, known: Sequence[Any] | None) -> list[Kwargs]:
    """GetVariableDataType of each requested variable."""
    return _checked([_common(entry, index) for index, entry in enumerate(request.variables)], known)


def write_items(request: pb.SetVariablesRequest, known: Sequence[Any] | None) -> list[Kwargs]:
    """SetVariableDataType of each requested variable; an empty value is a value."""
    items = []
    for index, entry in enumerate(request.variables):
        value = _text(entry.value, f"variables[{index}].value", VALUE_LENGTH, needed=False)
        items.append({**_common(entry, index), "attribute_value": value})
    return _checked(items, known)


def read_request(batch: list[Kwargs]) -> Kwargs:
    return {"get_variable_data": batch}


def write_request(batch: list[Kwargs]) -> Kwargs:
    return {"set_variable_data": batch}


def _results(
    pairs: Sequence[tuple[list[Kwargs], Any]], field: str
) -> Iterator[tuple[Kwargs, Kwargs]]:
    """Each requested item with the station's result about it. A station need not answer
    in request order (B06 says nothing of order), so results are found by identity; one
    that names the variables differently (case aside) but answers as many, is taken in
    order."""
    for batch, answer in pairs:
        results: list[Kwargs] = getattr(answer, field)
        by_key = {item_key(result): result for result in results}
        for position, item in enumerate(batch):
            result = by_key.get(item_key(item))
            if result is None and len(results) == len(batch):
                result = results[position]
            if result is None:
                raise AnswerFault(
                    f"{field} has no result for {_describe_component(item)}."
                    f"{item['variable']['name']}"
                )
            yield item, result


def _result(item: Kwargs, result: Kwargs, value: str) -> pb.VariableResult:
    component, variable = item["component"], item["variable"]
    evse = component.get("evse") or {}
    info = result.get("attribute_status_info") or {}
    return pb.VariableResult(
        component=pb.Component(
            name=component["name"],
            instance=component.get("instance", ""),
            evse_id=evse.get("id", 0),
            connector_id=evse.get("connector_id", 0),
        ),
        variable=pb.Variable(name=variable["name"], instance=variable.get("instance", "")),
        attribute_type=_ATTRIBUTE_BACK[item["attribute_type"]],
        status=mapped(_STATUS, result["attribute_status"], "attributeStatus"),
        value=value,
        reason_code=info.get("reason_code", ""),
        additional_info=info.get("additional_info", ""),
    )


def read_answer(pairs: Sequence[tuple[list[Kwargs], Any]]) -> pb.GetVariablesResponse:
    response = pb.GetVariablesResponse(messages=len(pairs))
    for item, result in _results(pairs, "get_variable_result"):
        response.results.append(_result(item, result, result.get("attribute_value") or ""))
    return response


def write_answer(pairs: Sequence[tuple[list[Kwargs], Any]]) -> pb.SetVariablesResponse:
    """Each result's value is the value that was sent."""
    response = pb.SetVariablesResponse(messages=len(pairs))
    for item, result in _results(pairs, "set_variable_result"):
        response.results.append(_result(item, result, item["attribute_value"]))
    return response


def recorded(response: Any) -> list[chargepoint_pb2.ReportedVariable]:
    """Values read (ACCEPTED) or taken (ACCEPTED, REBOOT_REQUIRED) become the device
    model's values."""
    return [
        chargepoint_pb2.ReportedVariable(
            component=result.component.name,
            component_instance=result.component.instance,
            evse_id=result.component.evse_id,
            connector_id=result.component.connector_id,
            variable=result.variable.name,
            variable_instance=result.variable.instance,
            attribute_type=_ATTRIBUTE[result.attribute_type],
            value=result.value,
        )
        for result in response.results
        if result.status in _TAKEN
    ]
