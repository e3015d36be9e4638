"""OCPP 1.6 Core profile operations the CSMS sends (OCPP 1.6 §5): remote start and stop,
unlock, reset, availability, cache, configuration and data transfer. Pure translators:
protobuf request -> ``ocpp.v16.call`` payload, ``ocpp.v16.call_result`` -> response."""

from __future__ import annotations

from typing import Any

from ocpp.v16 import call

from csms.edge.v1 import operations_pb2
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, connector, identifier, optional, required
from edge.v16.operations.smart_charging import charging_profile

Status = operations_pb2.OperationStatus

# RemoteStartStopStatus, ResetStatus, AvailabilityStatus, ClearCacheStatus,
# CancelReservationStatus and GetCompositeScheduleStatus (OCPP 1.6 §7) share these words.
OPERATION_STATUS = {
    "Accepted": Status.ACCEPTED,
    "Rejected": Status.REJECTED,
    "Scheduled": Status.SCHEDULED,
}

_RESET = {operations_pb2.ResetRequest.SOFT: "Soft", operations_pb2.ResetRequest.HARD: "Hard"}

_UNLOCK = {
    "Unlocked": operations_pb2.UnlockConnectorResponse.UNLOCKED,
    "UnlockFailed": operations_pb2.UnlockConnectorResponse.UNLOCK_FAILED,
    "NotSupported": operations_pb2.UnlockConnectorResponse.NOT_SUPPORTED,
}

_CONFIGURATION = {
    "Accepted": operations_pb2.ChangeConfigurationResponse.ACCEPTED,
    "Rejected": operations_pb2.ChangeConfigurationResponse.REJECTED,
    "RebootRequired": operations_pb2.ChangeConfigurationResponse.REBOOT_REQUIRED,
    "NotSupported": operations_pb2.ChangeConfigurationResponse.NOT_SUPPORTED,
}

_DATA_TRANSFER = {
    "Accepted": operations_pb2.DataTransferResponse.ACCEPTED,
    "Rejected": operations_pb2.DataTransferResponse.REJECTED,
    "UnknownMessageId": operations_pb2.DataTransferResponse.UNKNOWN_MESSAGE_ID,
    "UnknownVendorId": operations_pb2.DataTransferResponse.UNKNOWN_VENDOR_ID,
}


def remote_start_request(
    request: operations_pb2.RequestStartTransactionRequest,
) -> call.RemoteStartTransaction:
    """OCPP 1.6 §5.11: the profile, when given, is a TxProfile without a transactionId
    (the transaction does not exist yet); an unspecified purpose means TxProfile."""
    profile = None
    if request.HasField("charging_profile"):
        given = request.charging_profile
        if given.transaction_id:
            raise InvalidRequest(
                "charging_profile.transaction_id must be unset: the transaction a remote "
                "start begins has no id yet (OCPP 1.6 §5.11)"
            )
        profile = charging_profile(given, "charging_profile", tx_profile_only=True)
    return call.RemoteStartTransaction(
        id_tag=required(request.id_tag, "id_tag"),
        connector_id=connector(request.evse_id) or None,
        charging_profile=profile,
    )


def remote_start_answer(answer: Any) -> operations_pb2.RequestStartTransactionResponse:
    return operations_pb2.RequestStartTransactionResponse(status=OPERATION_STATUS[answer.status])


def remote_stop_request(
    request: operations_pb2.RequestStopTransactionRequest,
) -> call.RemoteStopTransaction:
    return call.RemoteStopTransaction(
        transaction_id=identifier(request.transaction_id, "transaction_id")
    )


def remote_stop_answer(answer: Any) -> operations_pb2.RequestStopTransactionResponse:
    return operations_pb2.RequestStopTransactionResponse(status=OPERATION_STATUS[answer.status])


def unlock_request(request: operations_pb2.UnlockConnectorRequest) -> call.UnlockConnector:
    """An OCPP 1.6 EVSE has one connector, so only connector 1 (or 0, meaning 1) exists."""
    if request.connector_id not in (0, 1):
        raise InvalidRequest(
            f"connector_id must be 0 or 1: an OCPP 1.6 EVSE has one connector, "
            f"got {request.connector_id}"
        )
    return call.UnlockConnector(connector_id=connector(request.evse_id, whole_station=False))


def unlock_answer(answer: Any) -> operations_pb2.UnlockConnectorResponse:
    return operations_pb2.UnlockConnectorResponse(status=_UNLOCK[answer.status])


def reset_request(request: operations_pb2.ResetRequest) -> call.Reset:
    """OCPP 1.6 §5.14 resets the whole charge point: Reset.req has no connectorId."""
    if request.evse_id != 0:
        raise InvalidRequest(
            f"evse_id must be 0 for an OCPP 1.6 charge point, got {request.evse_id}: "
            "OCPP 1.6 resets the whole charge point (Reset.req has no connectorId); "
            "resetting one EVSE needs OCPP 2.0.1 or 2.1"
        )
    return call.Reset(
        type=choice(request.type, _RESET, "type", operations_pb2.ResetRequest.Type.DESCRIPTOR)
    )


def reset_answer(answer: Any) -> operations_pb2.ResetResponse:
    return operations_pb2.ResetResponse(status=OPERATION_STATUS[answer.status])


def availability_request(
    request: operations_pb2.ChangeAvailabilityRequest,
) -> call.ChangeAvailability:
    """OCPP 1.6 §5.2: connectorId is the EVSE number; an EVSE has one connector, so a
    connector within it can only be connector 1 (the EVSE itself)."""
    if request.connector_id not in (0, 1):
        raise InvalidRequest(
            f"connector_id must be 0 or 1: an OCPP 1.6 EVSE has one connector, "
            f"got {request.connector_id}"
        )
    if request.connector_id and request.evse_id <= 0:
        raise InvalidRequest(
            "connector_id needs an evse_id of 1 or more: a connector belongs to one EVSE"
        )
    return call.ChangeAvailability(
        connector_id=connector(request.evse_id),
        type="Operative" if request.operative else "Inoperative",
    )


def availability_answer(answer: Any) -> operations_pb2.ChangeAvailabilityResponse:
    return operations_pb2.ChangeAvailabilityResponse(status=OPERATION_STATUS[answer.status])


def clear_cache_request(_request: operations_pb2.ClearCacheRequest) -> call.ClearCache:
    return call.ClearCache()


def clear_cache_answer(answer: Any) -> operations_pb2.ClearCacheResponse:
    return operations_pb2.ClearCacheResponse(status=OPERATION_STATUS[answer.status])


def get_configuration_request(
    request: operations_pb2.GetConfigurationRequest,
) -> call.GetConfiguration:
    """No keys: the station reports every key it has (OCPP 1.6 §5.8), so ``key`` is omitted."""
    for index, key in enumerate(request.keys):
        required(key, f"keys[{index}]")
    return call.GetConfiguration(key=list(request.keys) or None)


def get_configuration_answer(answer: Any) -> operations_pb2.GetConfigurationResponse:
    return operations_pb2.GetConfigurationResponse(
        configuration_keys=[
            operations_pb2.ConfigurationKey(
                key=item["key"], value=item.get("value", ""), readonly=item["readonly"]
            )
            for item in answer.configuration_key or []
        ],
        unknown_keys=list(answer.unknown_key or []),
    )


def change_configuration_request(
    request: operations_pb2.ChangeConfigurationRequest,
) -> call.ChangeConfiguration:
    """An empty value is a value (some keys are lists that may be empty)."""
    return call.ChangeConfiguration(key=required(request.key, "key"), value=request.value)


def change_configuration_answer(answer: Any) -> operations_pb2.ChangeConfigurationResponse:
    return operations_pb2.ChangeConfigurationResponse(status=_CONFIGURATION[answer.status])


def data_transfer_request(request: operations_pb2.DataTransferRequest) -> call.DataTransfer:
    return call.DataTransfer(
        vendor_id=required(request.vendor_id, "vendor_id"),
        message_id=optional(request.message_id),
        data=optional(request.data),
    )


def data_transfer_answer(answer: Any) -> operations_pb2.DataTransferResponse:
    return operations_pb2.DataTransferResponse(
        status=_DATA_TRANSFER[answer.status], data=answer.data or ""
    )
