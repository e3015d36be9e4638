"""The size of a CALL the CSMS sends, checked against what the station accepts before it
is sent, for every operation and every version (the operations' own checks are in
:mod:`edge.operations.request_checks`). Pure: the dispatcher reads the station's device model
and passes its values in.

A station answers a frame larger than it takes by closing its socket (RFC 6455 §7.4.1,
1009 "message too big") or not at all; the operator is better served by a 400 that names
the limit, before anything leaves. The typed GetVariables and SetVariables split their
items into CALLs within these limits instead (:mod:`edge.operations.batches`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from edge.operations.errors import InvalidRequest

# OCPP 2.0.1 Part 2 Appendix (DeviceDataCtrlr, MonitoringCtrlr): a station says how much
# one GetReport, GetVariables or SetVariables request (DeviceDataCtrlr), and one
# SetVariableMonitoring or ClearVariableMonitoring request (MonitoringCtrlr), it takes, as
# the variables BytesPerMessage and ItemsPerMessage with the action as their instance.
# The list each ItemsPerMessage counts:
ITEM_LISTS = {
    "GetReport": "componentVariable",
    "GetVariables": "getVariableData",
    "SetVariables": "setVariableData",
    "SetVariableMonitoring": "setMonitoringData",
    "ClearVariableMonitoring": "id",
}
DEVICE_DATA_CTRLR = "DeviceDataCtrlr"
MONITORING_CTRLR = "MonitoringCtrlr"
# The component whose variables limit each action.
CONTROLLERS = {
    "GetReport": DEVICE_DATA_CTRLR,
    "GetVariables": DEVICE_DATA_CTRLR,
    "SetVariables": DEVICE_DATA_CTRLR,
    "SetVariableMonitoring": MONITORING_CTRLR,
    "ClearVariableMonitoring": MONITORING_CTRLR,
}
LIMITING_COMPONENTS = frozenset(CONTROLLERS.values())
# The longest UniqueId the edge sends (a UUID, OCPP-J §4.1.4's 36 characters).
UNIQUE_ID_LENGTH = 36


@dataclass(frozen=True)
class MessageLimit:
    """What one CALL to a station may be: ``max_bytes`` on the socket, ``max_items`` in
    its item list (None: no limit), and where each number comes from, for the error."""

    max_bytes: int
    bytes_source: str
    max_items: int | None = None
    items_source: str = ""


def message_limit(
    action: str, variables: Iterable[tuple[str, str, str, str]], max_message_bytes: int
) -> MessageLimit:
    """The limit of one ``action`` CALL: CSMS_MAX_MESSAGE_BYTES (the largest message the
    edge accepts is the largest it sends), lowered by what the station reported in its
    device model for this action. ``variables``: (component, variable, instance, value)
    of the station's Actual attributes; values that are not positive whole numbers are
    ignored, as a station that reports none."""
    limit = MessageLimit(max_message_bytes, f"CSMS_MAX_MESSAGE_BYTES={max_message_bytes}")
    for component, variable, instance, value in variables:
        if component != CONTROLLERS.get(action) or instance != action:
            continue
        number = int(value) if value.strip().isdigit() else 0
        source = f"{component}.{variable}[{instance}]={number}"
        if variable == "BytesPerMessage" and 0 < number < limit.max_bytes:
            limit = MessageLimit(number, source, limit.max_items, limit.items_source)
        elif variable == "ItemsPerMessage" and number > 0:
            limit = MessageLimit(limit.max_bytes, limit.bytes_source, number, source)
    return limit


def knows_item_limit(action: str, variables: Iterable[tuple[str, str, str, str]]) -> bool:
    """Whether ``variables`` (as :func:`message_limit` takes them) say how many items one
    ``action`` CALL may carry."""
    return any(
        component == CONTROLLERS.get(action)
        and variable == "ItemsPerMessage"
        and instance == action
        for component, variable, instance, _value in variables
    )


def frame_bytes(action: str, payload: Mapping[str, Any]) -> int:
    """The size of the CALL frame the ``ocpp`` library sends for ``payload`` (compact JSON,
    ASCII escapes, as ``Call.to_json``), with a UniqueId of the longest length."""
    frame = [2, "u" * UNIQUE_ID_LENGTH, action, payload]
    return len(json.dumps(frame, separators=(",", ":")).encode())


def check_message_size(
    limit: MessageLimit, charge_point_id: str, action: str, payload: Mapping[str, Any]
) -> None:
    """INVALID_ARGUMENT naming the limit when the CALL would be more than the station
    takes: refused before it is sent, since a station answers an oversized frame by
    closing its socket (RFC 6455 §7.4.1, 1009) or not at all."""
    items_field = ITEM_LISTS.get(action)
    items = payload.get(items_field, []) if items_field is not None else []
    if limit.max_items is not None and len(items) > limit.max_items:
        raise InvalidRequest(
            f"{action} to {charge_point_id} would carry {len(items)} {items_field} items; "
            f"the station takes at most {limit.max_items} ({limit.items_source}): send "
            "them in several requests"
        )
    size = frame_bytes(action, payload)
    if size > limit.max_bytes:
        raise InvalidRequest(
            f"{action} to {charge_point_id} would be a {size}-byte message; at most "
            f"{limit.max_bytes} bytes may be sent ({limit.bytes_source}): send less in "
            "one request"
        )
