"""OCPP 1.6 Remote Trigger profile (OCPP 1.6 §5.17): ask the station to send a message
now; a certificate renewal is asked with the security extension's ExtendedTriggerMessage
(1.6 security whitepaper edition 2), whose answer has the same words. Pure."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call

from csms.edge.v1 import operations_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, connector

Request = operations_pb2.TriggerMessageRequest

# OCPP 1.6 §7.33 MessageTrigger.
_MESSAGE = {
    Request.BOOT_NOTIFICATION: "BootNotification",
    Request.DIAGNOSTICS_STATUS_NOTIFICATION: "DiagnosticsStatusNotification",
    Request.FIRMWARE_STATUS_NOTIFICATION: "FirmwareStatusNotification",
    Request.HEARTBEAT: "Heartbeat",
    Request.METER_VALUES: "MeterValues",
    Request.STATUS_NOTIFICATION: "StatusNotification",
}

_STATUS = {
    "Accepted": operations_pb2.TriggerMessageResponse.ACCEPTED,
    "Rejected": operations_pb2.TriggerMessageResponse.REJECTED,
    "NotImplemented": operations_pb2.TriggerMessageResponse.NOT_IMPLEMENTED,
}


# ExtendedTriggerMessage's MessageTriggerEnumType value, for what TriggerMessage lacks
# (1.6 security whitepaper: LogStatusNotification goes with its GetLog).
_EXTENDED = {
    Request.SIGN_CHARGE_POINT_CERTIFICATE: "SignChargePointCertificate",
    Request.LOG_STATUS_NOTIFICATION: "LogStatusNotification",
}


def trigger_request(request: Request) -> call.TriggerMessage | call.ExtendedTriggerMessage:
    """connectorId only when the message is about one EVSE (``evse_id`` > 0); 1.6 numbers
    connectors as EVSEs, so ``connector_id`` may be 0 or 1 only. A 2.x-only value is
    refused naming the version."""
    known = request.requested_message in _MESSAGE or request.requested_message in _EXTENDED
    if request.requested_message and not known:
        name = Request.Message.Name(request.requested_message)
        raise InvalidRequest(f"requested_message {name} is not in OCPP 1.6")
    if request.custom_trigger:
        raise InvalidRequest("custom_trigger is OCPP 2.1's; OCPP 1.6 has no custom triggers")
    if request.connector_id not in (0, 1):
        raise InvalidRequest(
            f"connector_id must be 0 or 1 in OCPP 1.6 (its connectors are evse_id), got "
            f"{request.connector_id}"
        )
    extended = _EXTENDED.get(request.requested_message)
    if extended is not None:
        # ExtendedTriggerMessage has a connectorId too.
        return call.ExtendedTriggerMessage(
            requested_message=extended, connector_id=connector(request.evse_id) or None
        )
    return call.TriggerMessage(
        requested_message=choice(
            request.requested_message,
            {**_MESSAGE, **_EXTENDED},
            "requested_message",
            Request.Message.DESCRIPTOR,
        ),
        connector_id=connector(request.evse_id) or None,
    )


def trigger_answer(answer: Any) -> operations_pb2.TriggerMessageResponse:
    return operations_pb2.TriggerMessageResponse(status=_STATUS[answer.status])
