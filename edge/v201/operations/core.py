"""OCPP 2.x operations of the core functional blocks the CSMS sends: remote start and
stop (F01, F03), transaction status (E14), unlock (F05), reset (B11, B12),
availability (G03), cache (C11), data transfer (P01) and remote trigger (F06).
Pure: protobuf request -> call keyword arguments, ``call_result`` -> response."""

from __future__ import annotations

import json
from typing import Any

from csms.edge.v1 import operations_pb2
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, optional, required
from edge.v201.operations.fields import (
    CARD,
    Kwargs,
    evse,
    id_token,
    mapped,
    non_negative,
    positive,
)
from edge.v201.operations.smart_charging import charging_profile

Status = operations_pb2.OperationStatus
Trigger = operations_pb2.TriggerMessageRequest

# RequestStartStopStatusEnumType, ResetStatusEnumType, ChangeAvailabilityStatusEnumType,
# ClearCacheStatusEnumType, CancelReservationStatusEnumType and GenericStatusEnumType.
OPERATION_STATUS = {
    "Accepted": Status.ACCEPTED,
    "Rejected": Status.REJECTED,
    "Scheduled": Status.SCHEDULED,
}

# OCPP 2.0.1 ResetEnumType: OnIdle waits for transactions to end, as 1.6 Soft did.
_RESET = {
    operations_pb2.ResetRequest.SOFT: "OnIdle",
    operations_pb2.ResetRequest.HARD: "Immediate",
}

_UNLOCK = {
    "Unlocked": operations_pb2.UnlockConnectorResponse.UNLOCKED,
    "UnlockFailed": operations_pb2.UnlockConnectorResponse.UNLOCK_FAILED,
    "OngoingAuthorizedTransaction": (
        operations_pb2.UnlockConnectorResponse.ONGOING_AUTHORIZED_TRANSACTION
    ),
    "UnknownConnector": operations_pb2.UnlockConnectorResponse.UNKNOWN_CONNECTOR,
}

_DATA_TRANSFER = {
    "Accepted": operations_pb2.DataTransferResponse.ACCEPTED,
    "Rejected": operations_pb2.DataTransferResponse.REJECTED,
    "UnknownMessageId": operations_pb2.DataTransferResponse.UNKNOWN_MESSAGE_ID,
    "UnknownVendorId": operations_pb2.DataTransferResponse.UNKNOWN_VENDOR_ID,
}

# OCPP 2.0.1 MessageTriggerEnumType; 1.6's DiagnosticsStatusNotification became
# LogStatusNotification (N01).
_TRIGGER = {
    Trigger.BOOT_NOTIFICATION: "BootNotification",
    Trigger.DIAGNOSTICS_STATUS_NOTIFICATION: "LogStatusNotification",
    Trigger.LOG_STATUS_NOTIFICATION: "LogStatusNotification",
    Trigger.FIRMWARE_STATUS_NOTIFICATION: "FirmwareStatusNotification",
    Trigger.HEARTBEAT: "Heartbeat",
    Trigger.METER_VALUES: "MeterValues",
    Trigger.STATUS_NOTIFICATION: "StatusNotification",
    Trigger.TRANSACTION_EVENT: "TransactionEvent",
    # A03: the station sends SignCertificate for a new charging station certificate, a V2G
    # one, or one used for both (certificateType omitted).
    Trigger.SIGN_CHARGE_POINT_CERTIFICATE: "SignChargingStationCertificate",
    Trigger.SIGN_V2G_CERTIFICATE: "SignV2GCertificate",
    Trigger.SIGN_COMBINED_CERTIFICATE: "SignCombinedCertificate",
    # L03: the status of the firmware the station publishes to its local controllers.
    Trigger.PUBLISH_FIRMWARE_STATUS_NOTIFICATION: "PublishFirmwareStatusNotification",
    # OCPP 2.1 only.
    Trigger.SIGN_V2G20_CERTIFICATE: "SignV2G20Certificate",
    Trigger.CUSTOM_TRIGGER: "CustomTrigger",
}
CUSTOM_TRIGGER_LENGTH = 50

_TRIGGER_STATUS = {
    "Accepted": operations_pb2.TriggerMessageResponse.ACCEPTED,
    "Rejected": operations_pb2.TriggerMessageResponse.REJECTED,
    "NotImplemented": operations_pb2.TriggerMessageResponse.NOT_IMPLEMENTED,
}


def remote_start_request(resolved: Resolved) -> Kwargs:
    """F01: the token is one the CSMS vouches for ("Central"); remoteStartId is the id the
    edge allocated, which the station repeats in its TransactionEvent. The profile, when
    given, is a TxProfile without a transactionId (the transaction has none yet)."""
    request: operations_pb2.RequestStartTransactionRequest = resolved.request
    profile = None
    if request.HasField("charging_profile"):
        if request.charging_profile.transaction_id:
            raise InvalidRequest(
                "charging_profile.transaction_id must be unset: the transaction a remote "
                "start begins has no id yet (OCPP 2.0.1 F01)"
            )
        profile = charging_profile(request.charging_profile, "charging_profile", "", tx=True)
    non_negative(request.evse_id, "evse_id", "the station chooses")
    return {
        # The id tag as stations read it: the operator's type, else the one auth_svc stores
        # (the resolve step's), else an RFID card's, so the station matches the driver's token.
        "id_token": id_token(
            required(request.id_tag, "id_tag"),
            request.id_token_type or resolved.id_token_type or CARD,
        ),
        "remote_start_id": resolved.request_id,
        "evse_id": request.evse_id or None,
        "charging_profile": profile,
    }


def remote_start_answer(reply: Reply) -> operations_pb2.RequestStartTransactionResponse:
    answer = reply.payload
    return operations_pb2.RequestStartTransactionResponse(
        status=mapped(OPERATION_STATUS, answer.status, "status"),
        station_transaction_id=answer.transaction_id or "",
    )


def remote_stop_request(resolved: Resolved) -> Kwargs:
    """F03: the station knows the transaction by its own id, looked up by the resolve step."""
    return {"transaction_id": resolved.station_transaction_id}


def remote_stop_answer(reply: Reply) -> operations_pb2.RequestStopTransactionResponse:
    return operations_pb2.RequestStopTransactionResponse(
        status=mapped(OPERATION_STATUS, reply.payload.status, "status")
    )


def transaction_status_request(resolved: Resolved) -> Kwargs:
    """E14: without a transaction the station says whether it queues messages at all."""
    return {"transaction_id": resolved.station_transaction_id or None}


def transaction_status_answer(reply: Reply) -> operations_pb2.GetTransactionStatusResponse:
    answer = reply.payload
    response = operations_pb2.GetTransactionStatusResponse(
        messages_in_queue=answer.messages_in_queue
    )
    if answer.ongoing_indicator is not None:
        response.ongoing = answer.ongoing_indicator
    return response


def unlock_request(request: operations_pb2.UnlockConnectorRequest) -> Kwargs:
    """F05: a connector of one EVSE; connector 0 means 1, as in the API."""
    return {
        "evse_id": positive(request.evse_id, "evse_id"),
        "connector_id": non_negative(request.connector_id, "connector_id", "meaning 1") or 1,
    }


def unlock_answer(answer: Any) -> operations_pb2.UnlockConnectorResponse:
    return operations_pb2.UnlockConnectorResponse(status=mapped(_UNLOCK, answer.status, "status"))


def reset_request(request: operations_pb2.ResetRequest) -> Kwargs:
    """B11/B12: the whole station, or one EVSE when ``evse_id`` names it (evseId; B11.FR.08:
    a station that cannot reset one EVSE answers Rejected)."""
    return {
        "type": choice(request.type, _RESET, "type", operations_pb2.ResetRequest.Type.DESCRIPTOR),
        "evse_id": non_negative(request.evse_id, "evse_id", "the whole station") or None,
    }


def reset_answer(answer: Any) -> operations_pb2.ResetResponse:
    return operations_pb2.ResetResponse(status=mapped(OPERATION_STATUS, answer.status, "status"))


def availability_request(request: operations_pb2.ChangeAvailabilityRequest) -> Kwargs:
    """G03/G04: the station (no evse), one EVSE, or one connector of an EVSE
    (EVSEType.connectorId, which needs the EVSE's id)."""
    target = evse(request.evse_id)
    connector = non_negative(request.connector_id, "connector_id", "the whole EVSE")
    if connector:
        if target is None:
            raise InvalidRequest(
                "connector_id needs an evse_id of 1 or more: a connector belongs to one EVSE "
                "(OCPP 2.0.1 G03)"
            )
        target["connector_id"] = connector
    return {
        "operational_status": "Operative" if request.operative else "Inoperative",
        "evse": target,
    }


def availability_answer(answer: Any) -> operations_pb2.ChangeAvailabilityResponse:
    return operations_pb2.ChangeAvailabilityResponse(
        status=mapped(OPERATION_STATUS, answer.status, "status")
    )


def clear_cache_request(_request: operations_pb2.ClearCacheRequest) -> Kwargs:
    return {}


def clear_cache_answer(answer: Any) -> operations_pb2.ClearCacheResponse:
    return operations_pb2.ClearCacheResponse(
        status=mapped(OPERATION_STATUS, answer.status, "status")
    )


def data_transfer_request(request: operations_pb2.DataTransferRequest) -> Kwargs:
    """P01: 2.x data is any JSON value; the API's text is sent as the JSON it holds when
    it parses as JSON, else as a string."""
    data: Any = None
    if request.data:
        try:
            data = json.loads(request.data)
        except ValueError:
            data = request.data
    return {
        "vendor_id": required(request.vendor_id, "vendor_id"),
        "message_id": optional(request.message_id),
        "data": data,
    }


def data_transfer_answer(answer: Any) -> operations_pb2.DataTransferResponse:
    """Data that is not a string is returned as its JSON text."""
    data = answer.data
    text = "" if data is None else data if isinstance(data, str) else json.dumps(data)
    return operations_pb2.DataTransferResponse(
        status=mapped(_DATA_TRANSFER, answer.status, "status"), data=text
    )


def trigger_request(request: Trigger, version: str, triggers: frozenset[str]) -> Kwargs:
    """F06: ``evse`` when the message is about one EVSE (``evse_id`` > 0), with its
    connector when ``connector_id`` > 0. A StatusNotification is about one connector,
    connector 1 of the EVSE unless named. ``triggers``: the version's
    MessageTriggerEnumType; a value it lacks is refused naming the version."""
    message = choice(
        request.requested_message, _TRIGGER, "requested_message", Trigger.Message.DESCRIPTOR
    )
    if message not in triggers:
        name = Trigger.Message.Name(request.requested_message)
        raise InvalidRequest(f"requested_message {name} is not in OCPP {version}")
    target = evse(request.evse_id)
    connector_id = non_negative(request.connector_id, "connector_id", "none")
    if connector_id:
        if target is None:
            raise InvalidRequest(
                "connector_id needs evse_id: a connector is numbered within its EVSE (F06)"
            )
        target["connector_id"] = connector_id
    if message == "StatusNotification":
        if target is None:
            raise InvalidRequest(
                "evse_id is required for STATUS_NOTIFICATION: OCPP 2.x triggers it for one "
                "connector (F06)"
            )
        target.setdefault("connector_id", 1)
    kwargs: Kwargs = {"requested_message": message, "evse": target}
    if message == "CustomTrigger":
        # 2.1 F06: the station sends the message customTrigger names, if it supports it.
        kwargs["custom_trigger"] = required(request.custom_trigger, "custom_trigger")
        if len(request.custom_trigger) > CUSTOM_TRIGGER_LENGTH:
            raise InvalidRequest(
                f"custom_trigger is {len(request.custom_trigger)} characters long; OCPP "
                f"{version} allows at most {CUSTOM_TRIGGER_LENGTH}"
            )
    elif request.custom_trigger:
        raise InvalidRequest("custom_trigger is only for requested_message CUSTOM_TRIGGER")
    return kwargs


def trigger_answer(answer: Any) -> operations_pb2.TriggerMessageResponse:
    return operations_pb2.TriggerMessageResponse(
        status=mapped(_TRIGGER_STATUS, answer.status, "status")
    )
