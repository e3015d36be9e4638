"""OCPP 2.x display messages (O01-O06) and customer information (N09-N10) both ways: the
API's DisplayMessage as a MessageInfoType, the station's NotifyDisplayMessages and
NotifyCustomerInformation as chargepoint_svc requests. Pure; shared by 2.0.1 and 2.1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from csms.chargepoint.v1 import logs_and_display_pb2 as records
from csms.common.v1 import display_message_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, moment
from edge.v201.values import parse_timestamp

if TYPE_CHECKING:
    # Only a type: importing the operations package here would import this module again
    # (edge.v201.operations.logs_and_display uses it) before it is complete.
    from edge.v201.operations.fields import Kwargs

Payload = Mapping[str, Any]
DisplayMessage = display_message_pb2.DisplayMessage
Content = display_message_pb2.MessageContent

# OCPP 2.0.1 MessagePriorityEnumType, MessageStateEnumType, MessageFormatEnumType; the 2.1
# additions (Suspended, Discharging, QRCODE) are refused by a 2.0.1 station's schema.
PRIORITY = {
    DisplayMessage.ALWAYS_FRONT: "AlwaysFront",
    DisplayMessage.IN_FRONT: "InFront",
    DisplayMessage.NORMAL_CYCLE: "NormalCycle",
}
STATE = {
    DisplayMessage.CHARGING: "Charging",
    DisplayMessage.FAULTED: "Faulted",
    DisplayMessage.IDLE: "Idle",
    DisplayMessage.UNAVAILABLE: "Unavailable",
    DisplayMessage.SUSPENDED: "Suspended",
    DisplayMessage.DISCHARGING: "Discharging",
}
FORMAT = {
    Content.FORMAT_UNSPECIFIED: "UTF8",
    Content.ASCII: "ASCII",
    Content.HTML: "HTML",
    Content.URI: "URI",
    Content.UTF8: "UTF8",
    Content.QR_CODE: "QRCODE",
}
_PRIORITY_BACK = {word: value for value, word in PRIORITY.items()}
_STATE_BACK = {word: value for value, word in STATE.items()}
_FORMAT_BACK = {word: value for value, word in FORMAT.items() if value}


def optional_state(value: int, field: str) -> str | None:
    """A MessageStateEnumType: None for unspecified (shown in every state)."""
    return None if value == 0 else choice(value, STATE, field, DisplayMessage.State.DESCRIPTOR)


def optional_priority(value: int, field: str) -> str | None:
    return (
        None if value == 0 else choice(value, PRIORITY, field, DisplayMessage.Priority.DESCRIPTOR)
    )


def message_info(message: DisplayMessage) -> Kwargs:
    """MessageInfoType (O01.FR.xx): id, priority and content are required."""
    if message.id < 0:
        raise InvalidRequest(f"message.id must be 0 or more, got {message.id}")
    if message.priority == DisplayMessage.PRIORITY_UNSPECIFIED:
        raise InvalidRequest("message.priority is required: ALWAYS_FRONT, IN_FRONT or NORMAL_CYCLE")
    if not message.message.content:
        raise InvalidRequest("message.message.content is required: the text to show")
    content = message.message
    display = (
        {"name": message.display_component, "instance": message.display_component_instance or None}
        if message.display_component
        else None
    )
    return {
        "id": message.id,
        "priority": choice(
            message.priority, PRIORITY, "message.priority", DisplayMessage.Priority.DESCRIPTOR
        ),
        "state": optional_state(message.state, "message.state"),
        "start_date_time": moment(message, "start_time"),
        "end_date_time": moment(message, "end_time"),
        "transaction_id": message.transaction_id or None,
        "message": {
            "format": FORMAT[content.format],
            "language": content.language or None,
            "content": content.content,
        },
        "display": display,
    }


def display_message(info: Payload, index: int) -> DisplayMessage:
    """A reported MessageInfoType; a word the API has no value for is kept unspecified."""
    field = f"messageInfo[{index}]"
    content = info["message"]
    display = info.get("display") or {}
    message = DisplayMessage(
        id=info["id"],
        priority=_PRIORITY_BACK.get(info["priority"], DisplayMessage.PRIORITY_UNSPECIFIED),
        state=_STATE_BACK.get(info.get("state", ""), DisplayMessage.STATE_UNSPECIFIED),
        transaction_id=info.get("transaction_id", ""),
        message=Content(
            format=_FORMAT_BACK.get(content["format"], Content.FORMAT_UNSPECIFIED),
            language=content.get("language", ""),
            content=content["content"],
        ),
        display_component=display.get("name", ""),
        display_component_instance=display.get("instance", ""),
    )
    if "start_date_time" in info:
        message.start_time.CopyFrom(
            parse_timestamp(info["start_date_time"], f"{field}.startDateTime")
        )
    if "end_date_time" in info:
        message.end_time.CopyFrom(parse_timestamp(info["end_date_time"], f"{field}.endDateTime"))
    return message


def display_messages_request(
    charge_point_id: str, payload: Payload
) -> records.RecordDisplayMessagesRequest:
    """NotifyDisplayMessages (O04): one part of the station's answer to GetDisplayMessages."""
    return records.RecordDisplayMessagesRequest(
        charge_point_id=charge_point_id,
        request_id=payload["request_id"],
        tbc=payload.get("tbc", False),
        messages=[
            display_message(info, index)
            for index, info in enumerate(payload.get("message_info") or [])
        ],
    )


def customer_information_request(
    charge_point_id: str, payload: Payload
) -> records.RecordCustomerInformationRequest:
    """NotifyCustomerInformation (N09): one part of the station's report."""
    return records.RecordCustomerInformationRequest(
        charge_point_id=charge_point_id,
        request_id=payload["request_id"],
        seq_no=payload["seq_no"],
        tbc=payload.get("tbc", False),
        generated_at=parse_timestamp(payload["generated_at"], "generatedAt"),
        data=payload["data"],
    )
