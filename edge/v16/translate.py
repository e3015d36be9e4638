"""OCPP 1.6 payloads to version-neutral protobuf requests, and replies back to 1.6 answers.

Pure functions. A payload is what the ``ocpp`` library hands a handler: the message's
fields with snake_case keys (``connector_id``, ``meter_value``...), already checked
against the 1.6 JSON schema. A value the schema cannot check (a date-time, a number in a
string) is checked here and refused with an :class:`~ocpp.exceptions.OCPPError` that
names it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from ocpp.exceptions import InternalError
from ocpp.v16 import call_result, datatypes

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from csms.transaction.v1 import transaction_pb2
from edge.v16.values import (
    evse_and_connector,
    format_timestamp,
    meter_values,
    parse_timestamp,
)

Payload = Mapping[str, Any]

OCPP_VERSION = "1.6"

_REGISTRATION = {
    chargepoint_pb2.ChargePoint.ACCEPTED: "Accepted",
    chargepoint_pb2.ChargePoint.PENDING: "Pending",
    chargepoint_pb2.ChargePoint.REJECTED: "Rejected",
}

# OCPP 1.6 §7.2 AuthorizationStatus has five values; the 2.x-only decisions all mean
# "not allowed" to a 1.6 station, which Invalid says.
_AUTHORIZATION = {
    auth_pb2.IdTokenInfo.ACCEPTED: "Accepted",
    auth_pb2.IdTokenInfo.BLOCKED: "Blocked",
    auth_pb2.IdTokenInfo.EXPIRED: "Expired",
    auth_pb2.IdTokenInfo.INVALID: "Invalid",
    auth_pb2.IdTokenInfo.CONCURRENT_TX: "ConcurrentTx",
    auth_pb2.IdTokenInfo.NO_CREDIT: "Invalid",
    auth_pb2.IdTokenInfo.NOT_ALLOWED_TYPE_EVSE: "Invalid",
    auth_pb2.IdTokenInfo.NOT_AT_THIS_LOCATION: "Invalid",
    auth_pb2.IdTokenInfo.NOT_AT_THIS_TIME: "Invalid",
    auth_pb2.IdTokenInfo.UNKNOWN: "Invalid",
}

# OCPP 1.6 §7.7 ChargePointStatus.
_CONNECTOR_STATUS = {
    "Available": chargepoint_pb2.Connector.AVAILABLE,
    "Preparing": chargepoint_pb2.Connector.PREPARING,
    "Charging": chargepoint_pb2.Connector.CHARGING,
    "SuspendedEVSE": chargepoint_pb2.Connector.SUSPENDED_EVSE,
    "SuspendedEV": chargepoint_pb2.Connector.SUSPENDED_EV,
    "Finishing": chargepoint_pb2.Connector.FINISHING,
    "Reserved": chargepoint_pb2.Connector.RESERVED,
    "Unavailable": chargepoint_pb2.Connector.UNAVAILABLE,
    "Faulted": chargepoint_pb2.Connector.FAULTED,
}

# OCPP 1.6 §7.39 Reason. An omitted reason means Local, which the service decides.
_STOP_REASON = {
    "DeAuthorized": transaction_pb2.Transaction.DE_AUTHORIZED,
    "EmergencyStop": transaction_pb2.Transaction.EMERGENCY_STOP,
    "EVDisconnected": transaction_pb2.Transaction.EV_DISCONNECTED,
    "HardReset": transaction_pb2.Transaction.HARD_RESET,
    "Local": transaction_pb2.Transaction.LOCAL,
    "Other": transaction_pb2.Transaction.OTHER,
    "PowerLoss": transaction_pb2.Transaction.POWER_LOSS,
    "Reboot": transaction_pb2.Transaction.REBOOT,
    "Remote": transaction_pb2.Transaction.REMOTE,
    "SoftReset": transaction_pb2.Transaction.SOFT_RESET,
    "UnlockCommand": transaction_pb2.Transaction.UNLOCK_COMMAND,
}

_DATA_TRANSFER = {
    chargepoint_pb2.RecordDataTransferResponse.ACCEPTED: "Accepted",
    chargepoint_pb2.RecordDataTransferResponse.REJECTED: "Rejected",
    chargepoint_pb2.RecordDataTransferResponse.UNKNOWN_MESSAGE_ID: "UnknownMessageId",
    chargepoint_pb2.RecordDataTransferResponse.UNKNOWN_VENDOR_ID: "UnknownVendorId",
}


# --- values ---------------------------------------------------------------------------


def id_tag_info(info: auth_pb2.IdTokenInfo) -> datatypes.IdTagInfo:
    status = _AUTHORIZATION.get(info.status)
    if status is None:
        raise InternalError(description="the CSMS gave no authorization status; retry later")
    return datatypes.IdTagInfo(
        status=status,
        parent_id_tag=info.parent_id_tag or None,
        expiry_date=format_timestamp(info.expires_at) if info.HasField("expires_at") else None,
    )


def boot_request(charge_point_id: str, payload: Payload) -> chargepoint_pb2.RecordBootRequest:
    return chargepoint_pb2.RecordBootRequest(
        charge_point_id=charge_point_id,
        ocpp_version=OCPP_VERSION,
        vendor=payload["charge_point_vendor"],
        model=payload["charge_point_model"],
        # chargeBoxSerialNumber is deprecated in 1.6 in favour of chargePointSerialNumber.
        serial_number=payload.get("charge_point_serial_number")
        or payload.get("charge_box_serial_number")
        or "",
        firmware_version=payload.get("firmware_version", ""),
        iccid=payload.get("iccid", ""),
        imsi=payload.get("imsi", ""),
        meter_type=payload.get("meter_type", ""),
        meter_serial_number=payload.get("meter_serial_number", ""),
    )


def boot_result(reply: chargepoint_pb2.RecordBootResponse) -> call_result.BootNotification:
    status = _REGISTRATION.get(reply.status)
    if status is None:
        raise InternalError(description="the CSMS gave no registration status; retry later")
    return call_result.BootNotification(
        current_time=format_timestamp(reply.current_time),
        interval=reply.interval_seconds,
        status=status,
    )


def heartbeat_request(charge_point_id: str) -> chargepoint_pb2.RecordHeartbeatRequest:
    return chargepoint_pb2.RecordHeartbeatRequest(charge_point_id=charge_point_id)


def heartbeat_result(reply: chargepoint_pb2.RecordHeartbeatResponse) -> call_result.Heartbeat:
    return call_result.Heartbeat(current_time=format_timestamp(reply.current_time))


def authorize_request(charge_point_id: str, payload: Payload) -> auth_pb2.AuthorizeRequest:
    return auth_pb2.AuthorizeRequest(
        id_tag=payload["id_tag"],
        charge_point_id=charge_point_id,
        purpose=auth_pb2.AuthorizeRequest.AUTHORIZE,
    )


def authorize_result(reply: auth_pb2.AuthorizeResponse) -> call_result.Authorize:
    return call_result.Authorize(id_tag_info=id_tag_info(reply.id_token_info))


def start_transaction_request(
    charge_point_id: str, payload: Payload
) -> transaction_pb2.StartTransactionRequest:
    evse_id, connector_id = evse_and_connector(payload["connector_id"])
    return transaction_pb2.StartTransactionRequest(
        charge_point_id=charge_point_id,
        evse_id=evse_id,
        connector_id=connector_id,
        id_tag=payload["id_tag"],
        meter_start_wh=payload["meter_start"],
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
        reservation_id=payload.get("reservation_id", 0),
        ocpp_version=OCPP_VERSION,
    )


def start_transaction_result(
    reply: transaction_pb2.StartTransactionResponse,
) -> call_result.StartTransaction:
    if not reply.HasField("id_token_info"):
        raise InternalError(description="the CSMS gave no authorization status; retry later")
    return call_result.StartTransaction(
        transaction_id=reply.transaction.id,
        id_tag_info=id_tag_info(reply.id_token_info),
    )


def stop_transaction_request(
    charge_point_id: str, payload: Payload
) -> transaction_pb2.StopTransactionRequest:
    reason = payload.get("reason")
    return transaction_pb2.StopTransactionRequest(
        charge_point_id=charge_point_id,
        transaction_id=payload["transaction_id"],
        meter_stop_wh=payload["meter_stop"],
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
        reason=transaction_pb2.Transaction.STOP_REASON_UNSPECIFIED
        if reason is None
        else _STOP_REASON[reason],
        id_tag=payload.get("id_tag", ""),
        meter_values=meter_values(payload.get("transaction_data", []), "transactionData"),
    )


def stop_transaction_result(
    reply: transaction_pb2.StopTransactionResponse,
) -> call_result.StopTransaction:
    if not reply.HasField("id_token_info"):
        return call_result.StopTransaction()
    return call_result.StopTransaction(id_tag_info=id_tag_info(reply.id_token_info))


def status_request(
    charge_point_id: str, payload: Payload, received_at: datetime
) -> chargepoint_pb2.RecordConnectorStatusRequest:
    """The station's timestamp is optional in 1.6; without it the status is as of now."""
    evse_id, connector_id = evse_and_connector(payload["connector_id"])
    text = payload.get("timestamp")
    if text is None:
        timestamp = Timestamp()
        timestamp.FromDatetime(received_at.astimezone(UTC))
    else:
        timestamp = parse_timestamp(text, "timestamp")
    return chargepoint_pb2.RecordConnectorStatusRequest(
        charge_point_id=charge_point_id,
        evse_id=evse_id,
        connector_id=connector_id,
        status=_CONNECTOR_STATUS[payload["status"]],
        error_code=payload["error_code"],
        info=payload.get("info", ""),
        vendor_id=payload.get("vendor_id", ""),
        vendor_error_code=payload.get("vendor_error_code", ""),
        timestamp=timestamp,
    )


def meter_values_request(
    charge_point_id: str, payload: Payload
) -> transaction_pb2.RecordMeterValuesRequest:
    evse_id, connector_id = evse_and_connector(payload["connector_id"])
    return transaction_pb2.RecordMeterValuesRequest(
        charge_point_id=charge_point_id,
        evse_id=evse_id,
        connector_id=connector_id,
        transaction_id=payload.get("transaction_id", 0),
        meter_values=meter_values(payload["meter_value"], "meterValue"),
    )


def data_transfer_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordDataTransferRequest:
    data = payload.get("data", "")
    return chargepoint_pb2.RecordDataTransferRequest(
        charge_point_id=charge_point_id,
        vendor_id=payload["vendor_id"],
        message_id=payload.get("message_id", ""),
        data=data if isinstance(data, str) else json.dumps(data, separators=(",", ":")),
    )


def data_transfer_result(
    reply: chargepoint_pb2.RecordDataTransferResponse,
) -> call_result.DataTransfer:
    status = _DATA_TRANSFER.get(reply.status)
    if status is None:
        raise InternalError(description="the CSMS gave no data transfer status; retry later")
    return call_result.DataTransfer(status=status, data=reply.data or None)


def diagnostics_status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordDiagnosticsStatusRequest:
    return chargepoint_pb2.RecordDiagnosticsStatusRequest(
        charge_point_id=charge_point_id, status=payload["status"]
    )


def firmware_status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordFirmwareStatusRequest:
    return chargepoint_pb2.RecordFirmwareStatusRequest(
        charge_point_id=charge_point_id, status=payload["status"]
    )


def signed_firmware_status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordFirmwareStatusRequest:
    """OCPP 1.6 security extension SignedFirmwareStatusNotification: the 2.x
    FirmwareStatusNotification, with the requestId of the SignedUpdateFirmware."""
    return chargepoint_pb2.RecordFirmwareStatusRequest(
        charge_point_id=charge_point_id,
        status=payload["status"],
        request_id=payload.get("request_id") or 0,
    )


def security_event_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordSecurityEventRequest:
    """OCPP 1.6 security extension SecurityEventNotification: the same event as 2.x A04."""
    return chargepoint_pb2.RecordSecurityEventRequest(
        charge_point_id=charge_point_id,
        type=payload["type"],
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
        tech_info=payload.get("tech_info", ""),
    )
