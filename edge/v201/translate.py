"""OCPP 2.x payloads to version-neutral protobuf requests, and replies back to 2.x answers.

Pure functions, shared by 2.0.1 and 2.1 (``edge.v21`` reuses them): the messages the
CSMS stores are the same in both versions, and 2.1's additions are optional fields the
CSMS does not keep. A payload is what the ``ocpp`` library hands a handler: the message's
fields with snake_case keys, already checked against the version's JSON schema. Answers
are built from the library's dataclasses of the session's version, given as
:class:`Vocabulary`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ocpp.exceptions import InternalError

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from csms.transaction.v1 import transaction_pb2
from edge.v201 import plug_and_charge

# Re-exported: the translations of what stations send are all found here.
from edge.v201.monitor_reports import monitoring_report_request  # noqa: F401
from edge.v201.values import format_timestamp, meter_values, parse_timestamp

Payload = Mapping[str, Any]
Transaction = transaction_pb2.Transaction


@dataclass(frozen=True)
class Vocabulary:
    """The ``ocpp`` library's ``call``, ``call_result`` and ``datatypes`` modules of one
    version: 2.0.1 and 2.1 share the translation, each builds its own dataclasses."""

    call: ModuleType
    call_result: ModuleType
    datatypes: ModuleType


_REGISTRATION = {
    chargepoint_pb2.ChargePoint.ACCEPTED: "Accepted",
    chargepoint_pb2.ChargePoint.PENDING: "Pending",
    chargepoint_pb2.ChargePoint.REJECTED: "Rejected",
}

# OCPP 2.0.1 Part 2 §3.7 AuthorizationStatusEnumType: one value per decision.
_AUTHORIZATION = {
    auth_pb2.IdTokenInfo.ACCEPTED: "Accepted",
    auth_pb2.IdTokenInfo.BLOCKED: "Blocked",
    auth_pb2.IdTokenInfo.EXPIRED: "Expired",
    auth_pb2.IdTokenInfo.INVALID: "Invalid",
    auth_pb2.IdTokenInfo.CONCURRENT_TX: "ConcurrentTx",
    auth_pb2.IdTokenInfo.NO_CREDIT: "NoCredit",
    auth_pb2.IdTokenInfo.NOT_ALLOWED_TYPE_EVSE: "NotAllowedTypeEVSE",
    auth_pb2.IdTokenInfo.NOT_AT_THIS_LOCATION: "NotAtThisLocation",
    auth_pb2.IdTokenInfo.NOT_AT_THIS_TIME: "NotAtThisTime",
    auth_pb2.IdTokenInfo.UNKNOWN: "Unknown",
}

# OCPP 2.0.1 Part 2 §3.23 ConnectorStatusEnumType.
_CONNECTOR_STATUS = {
    "Available": chargepoint_pb2.Connector.AVAILABLE,
    "Occupied": chargepoint_pb2.Connector.OCCUPIED,
    "Reserved": chargepoint_pb2.Connector.RESERVED,
    "Unavailable": chargepoint_pb2.Connector.UNAVAILABLE,
    "Faulted": chargepoint_pb2.Connector.FAULTED,
}

_EVENT_TYPE = {
    "Started": transaction_pb2.RecordTransactionEventRequest.STARTED,
    "Updated": transaction_pb2.RecordTransactionEventRequest.UPDATED,
    "Ended": transaction_pb2.RecordTransactionEventRequest.ENDED,
}

# OCPP 2.0.1 Part 2 §3.67 ReasonEnumType. A reason the version-neutral enum lacks (2.1's
# ReqEnergyTransferRejected) is OTHER; the schema has already refused unknown ones.
_STOP_REASON = {
    "DeAuthorized": Transaction.DE_AUTHORIZED,
    "EmergencyStop": Transaction.EMERGENCY_STOP,
    "EnergyLimitReached": Transaction.ENERGY_LIMIT_REACHED,
    "EVDisconnected": Transaction.EV_DISCONNECTED,
    "GroundFault": Transaction.GROUND_FAULT,
    "ImmediateReset": Transaction.IMMEDIATE_RESET,
    "Local": Transaction.LOCAL,
    "LocalOutOfCredit": Transaction.LOCAL_OUT_OF_CREDIT,
    "MasterPass": Transaction.MASTER_PASS,
    "Other": Transaction.OTHER,
    "OvercurrentFault": Transaction.OVERCURRENT_FAULT,
    "PowerLoss": Transaction.POWER_LOSS,
    "PowerQuality": Transaction.POWER_QUALITY,
    "Reboot": Transaction.REBOOT,
    "Remote": Transaction.REMOTE,
    "SOCLimitReached": Transaction.SOC_LIMIT_REACHED,
    "StoppedByEV": Transaction.STOPPED_BY_EV,
    "TimeLimitReached": Transaction.TIME_LIMIT_REACHED,
    "Timeout": Transaction.TIMEOUT,
}

_DATA_TRANSFER = {
    chargepoint_pb2.RecordDataTransferResponse.ACCEPTED: "Accepted",
    chargepoint_pb2.RecordDataTransferResponse.REJECTED: "Rejected",
    chargepoint_pb2.RecordDataTransferResponse.UNKNOWN_MESSAGE_ID: "UnknownMessageId",
    chargepoint_pb2.RecordDataTransferResponse.UNKNOWN_VENDOR_ID: "UnknownVendorId",
}

# The type given to groupIdToken: the CSMS keeps a group identifier without a type, and
# it is one the CSMS assigned (IdTokenEnumType Central, OCPP 2.0.1 Part 2 §3.47).
GROUP_ID_TOKEN_TYPE = "Central"

# OCPP 2.0.1 B07: the report the CSMS asks a Pending station for.
BASE_REPORT = "FullInventory"


# --- values ---------------------------------------------------------------------------


def id_token_info(info: auth_pb2.IdTokenInfo, words: Vocabulary) -> Any:
    status = _AUTHORIZATION.get(info.status)
    if status is None:
        raise InternalError(description="the CSMS gave no authorization status; retry later")
    group = None
    if info.parent_id_tag:
        group = words.datatypes.IdTokenType(id_token=info.parent_id_tag, type=GROUP_ID_TOKEN_TYPE)
    expiry = format_timestamp(info.expires_at) if info.HasField("expires_at") else None
    return words.datatypes.IdTokenInfoType(
        status=status, cache_expiry_date_time=expiry, group_id_token=group
    )


# --- provisioning (OCPP 2.0.1 B) --------------------------------------------------------


def boot_request(
    charge_point_id: str, ocpp_version: str, payload: Payload
) -> chargepoint_pb2.RecordBootRequest:
    station = payload["charging_station"]
    modem = station.get("modem") or {}
    return chargepoint_pb2.RecordBootRequest(
        charge_point_id=charge_point_id,
        ocpp_version=ocpp_version,
        vendor=station["vendor_name"],
        model=station["model"],
        serial_number=station.get("serial_number", ""),
        firmware_version=station.get("firmware_version", ""),
        iccid=modem.get("iccid", ""),
        imsi=modem.get("imsi", ""),
        reason=payload["reason"],
    )


def boot_result(reply: chargepoint_pb2.RecordBootResponse, words: Vocabulary) -> Any:
    status = _REGISTRATION.get(reply.status)
    if status is None:
        raise InternalError(description="the CSMS gave no registration status; retry later")
    return words.call_result.BootNotification(
        current_time=format_timestamp(reply.current_time),
        interval=reply.interval_seconds,
        status=status,
    )


def base_report_call(request_id: int, words: Vocabulary) -> Any:
    """GetBaseReport FullInventory, which a Pending station owes (OCPP 2.0.1 B07)."""
    return words.call.GetBaseReport(request_id=request_id, report_base=BASE_REPORT)


def boot_trigger_call(words: Vocabulary) -> Any:
    """TriggerMessage BootNotification: a station whose report completed its admission
    boots again and is Accepted (OCPP 2.0.1 B02, F06)."""
    return words.call.TriggerMessage(requested_message="BootNotification")


def heartbeat_request(charge_point_id: str) -> chargepoint_pb2.RecordHeartbeatRequest:
    return chargepoint_pb2.RecordHeartbeatRequest(charge_point_id=charge_point_id)


def heartbeat_result(reply: chargepoint_pb2.RecordHeartbeatResponse, words: Vocabulary) -> Any:
    return words.call_result.Heartbeat(current_time=format_timestamp(reply.current_time))


def report_request(charge_point_id: str, payload: Payload) -> chargepoint_pb2.RecordReportRequest:
    """One NotifyReport part; each variableAttribute is one ReportedVariable."""
    return chargepoint_pb2.RecordReportRequest(
        charge_point_id=charge_point_id,
        request_id=payload["request_id"],
        seq_no=payload["seq_no"],
        tbc=payload.get("tbc", False),
        generated_at=parse_timestamp(payload["generated_at"], "generatedAt"),
        variables=[
            variable
            for item in payload.get("report_data", [])
            for variable in _reported_variables(item)
        ],
    )


def _reported_variables(item: Payload) -> list[chargepoint_pb2.ReportedVariable]:
    component = item["component"]
    evse = component.get("evse") or {}
    variable = item["variable"]
    traits = item.get("variable_characteristics") or {}
    return [
        chargepoint_pb2.ReportedVariable(
            component=component["name"],
            component_instance=component.get("instance", ""),
            evse_id=evse.get("id", 0),
            connector_id=evse.get("connector_id", 0),
            variable=variable["name"],
            variable_instance=variable.get("instance", ""),
            # OCPP 2.0.1 Part 2 §2.51 VariableAttributeType defaults.
            attribute_type=attribute.get("type", "Actual"),
            value=attribute.get("value", ""),
            mutability=attribute.get("mutability", "ReadWrite"),
            data_type=traits.get("data_type", ""),
            unit=traits.get("unit", ""),
            values_list=traits.get("values_list", ""),
        )
        for attribute in item["variable_attribute"]
    ]


# --- availability, authorization, transactions (OCPP 2.0.1 G, C, E, J) ------------------


def status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordConnectorStatusRequest:
    return chargepoint_pb2.RecordConnectorStatusRequest(
        charge_point_id=charge_point_id,
        evse_id=payload["evse_id"],
        connector_id=payload["connector_id"],
        status=_CONNECTOR_STATUS[payload["connector_status"]],
        # 2.x has no error code in StatusNotification; chargepoint.proto says "NoError".
        error_code="NoError",
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
    )


def authorize_request(charge_point_id: str, payload: Payload) -> auth_pb2.AuthorizeRequest:
    """With an ISO 15118 contract certificate (C07) when the station sent one."""
    return auth_pb2.AuthorizeRequest(
        id_tag=payload["id_token"]["id_token"],
        charge_point_id=charge_point_id,
        purpose=auth_pb2.AuthorizeRequest.AUTHORIZE,
        # (idToken, type) is the token's identity in 2.x; auth_svc compares both.
        id_token_type=payload["id_token"]["type"],
        contract_certificate=plug_and_charge.contract_certificate(payload),
    )


def authorize_result(reply: auth_pb2.AuthorizeResponse, words: Vocabulary) -> Any:
    return words.call_result.Authorize(
        id_token_info=id_token_info(reply.id_token_info, words),
        certificate_status=plug_and_charge.certificate_status(reply),
    )


def transaction_event_request(
    charge_point_id: str, ocpp_version: str, payload: Payload
) -> transaction_pb2.RecordTransactionEventRequest:
    info = payload["transaction_info"]
    evse = payload.get("evse") or {}
    token = payload.get("id_token") or {}
    reason = info.get("stopped_reason")
    return transaction_pb2.RecordTransactionEventRequest(
        charge_point_id=charge_point_id,
        ocpp_version=ocpp_version,
        event_type=_EVENT_TYPE[payload["event_type"]],
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
        trigger_reason=payload["trigger_reason"],
        seq_no=payload["seq_no"],
        offline=payload.get("offline", False),
        station_transaction_id=info["transaction_id"],
        charging_state=info.get("charging_state", ""),
        stopped_reason=Transaction.STOP_REASON_UNSPECIFIED
        if reason is None
        else _STOP_REASON.get(reason, Transaction.OTHER),
        remote_start_id=info.get("remote_start_id", 0),
        reservation_id=payload.get("reservation_id", 0),
        evse_id=evse.get("id", 0),
        connector_id=evse.get("connector_id", 0),
        id_tag=token.get("id_token", ""),
        id_token_type=token.get("type", ""),
        meter_values=meter_values(payload.get("meter_value", []), "meterValue"),
        number_of_phases_used=payload.get("number_of_phases_used", 0),
        cable_max_current=payload.get("cable_max_current", 0),
    )


def transaction_event_result(
    reply: transaction_pb2.RecordTransactionEventResponse, words: Vocabulary
) -> Any:
    if not reply.HasField("id_token_info"):
        return words.call_result.TransactionEvent()
    return words.call_result.TransactionEvent(
        id_token_info=id_token_info(reply.id_token_info, words)
    )


def meter_values_request(
    charge_point_id: str, payload: Payload
) -> transaction_pb2.RecordMeterValuesRequest:
    """2.x MeterValues belong to no transaction (those travel in TransactionEvent) and
    name an EVSE only, 0 for the main meter (OCPP 2.0.1 J01)."""
    return transaction_pb2.RecordMeterValuesRequest(
        charge_point_id=charge_point_id,
        evse_id=payload["evse_id"],
        connector_id=0,
        transaction_id=0,
        meter_values=meter_values(payload["meter_value"], "meterValue"),
    )


# --- security, diagnostics, firmware, data transfer (OCPP 2.0.1 A, N, L, P) --------------


def security_event_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordSecurityEventRequest:
    return chargepoint_pb2.RecordSecurityEventRequest(
        charge_point_id=charge_point_id,
        type=payload["type"],
        timestamp=parse_timestamp(payload["timestamp"], "timestamp"),
        tech_info=payload.get("tech_info", ""),
    )


def events_request(charge_point_id: str, payload: Payload) -> chargepoint_pb2.RecordEventsRequest:
    return chargepoint_pb2.RecordEventsRequest(
        charge_point_id=charge_point_id,
        generated_at=parse_timestamp(payload["generated_at"], "generatedAt"),
        seq_no=payload["seq_no"],
        tbc=payload.get("tbc", False),
        events=[_event(event, i) for i, event in enumerate(payload["event_data"])],
    )


def _event(event: Payload, index: int) -> chargepoint_pb2.StationEvent:
    component = event["component"]
    return chargepoint_pb2.StationEvent(
        # The monitor that raised it (N07), and 2.1's severity; unset when absent.
        variable_monitoring_id=event.get("variable_monitoring_id"),
        severity=event.get("severity"),
        event_id=event["event_id"],
        timestamp=parse_timestamp(event["timestamp"], f"eventData[{index}].timestamp"),
        trigger=event["trigger"],
        cause=event.get("cause", 0),
        actual_value=event["actual_value"],
        tech_code=event.get("tech_code", ""),
        tech_info=event.get("tech_info", ""),
        cleared=event.get("cleared", False),
        transaction_id=event.get("transaction_id", ""),
        component=component["name"],
        evse_id=(component.get("evse") or {}).get("id", 0),
        variable=event["variable"]["name"],
        notification_type=event["event_notification_type"],
    )


def log_status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordDiagnosticsStatusRequest:
    return chargepoint_pb2.RecordDiagnosticsStatusRequest(
        charge_point_id=charge_point_id,
        status=payload["status"],
        request_id=payload.get("request_id", 0),
    )


def firmware_status_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordFirmwareStatusRequest:
    return chargepoint_pb2.RecordFirmwareStatusRequest(
        charge_point_id=charge_point_id,
        status=payload["status"],
        request_id=payload.get("request_id", 0),
    )


def data_transfer_request(
    charge_point_id: str, payload: Payload
) -> chargepoint_pb2.RecordDataTransferRequest:
    """2.x data is any JSON value; a string is kept as is, anything else as JSON text.
    ``payload`` has its keys as sent (camelCase), so the data's own keys are untouched."""
    data = payload.get("data", "")
    return chargepoint_pb2.RecordDataTransferRequest(
        charge_point_id=charge_point_id,
        vendor_id=payload["vendorId"],
        message_id=payload.get("messageId", ""),
        data=data if isinstance(data, str) else json.dumps(data, separators=(",", ":")),
    )


def data_transfer_result(
    reply: chargepoint_pb2.RecordDataTransferResponse, words: Vocabulary
) -> Any:
    status = _DATA_TRANSFER.get(reply.status)
    if status is None:
        raise InternalError(description="the CSMS gave no data transfer status; retry later")
    return words.call_result.DataTransfer(status=status, data=reply.data or None)
