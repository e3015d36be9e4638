"""End to end: the real edge, fake services, a raw 2.x station over websockets. Every typed
operation's RPC, the frame the station gets, its answer and the RPC's response, shared by the
2.0.1 and 2.1 tests (tests/edge/v201/, tests/edge/v21/)."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import ANY

from tests.edge.support.operation_table import (
    request_message,
)
from tests.support.certificates import certificate_pem
from tests.support.remote_station import RemoteStation

# A certificate as GetInstalledCertificateIds reports it and DeleteCertificate names it.
HASH_DATA = {
    "hashAlgorithm": "SHA256",
    "issuerNameHash": "5f1c0a7e",
    "issuerKeyHash": "9a4b3c2d",
    "serialNumber": "1a2b3c",
}

# RPC, request fields, the frame's action and payload, the station's answer, the response.
WIRE_CASES: list[
    tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any], dict[str, Any]]
] = [
    (
        "RequestStartTransaction",
        {"idTag": "TAG-1", "evseId": 1},
        "RequestStartTransaction",
        {"idToken": {"idToken": "TAG-1", "type": "ISO14443"}, "remoteStartId": ANY, "evseId": 1},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "UnlockConnector",
        {"evseId": 1},
        "UnlockConnector",
        {"evseId": 1, "connectorId": 1},
        {"status": "Unlocked"},
        {"status": "UNLOCKED"},
    ),
    (
        "Reset",
        {"type": "SOFT"},
        "Reset",
        {"type": "OnIdle"},
        {"status": "Scheduled"},
        {"status": "SCHEDULED"},
    ),
    (
        "ChangeAvailability",
        {"evseId": 2, "operative": True},
        "ChangeAvailability",
        {"operationalStatus": "Operative", "evse": {"id": 2}},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    ("ClearCache", {}, "ClearCache", {}, {"status": "Rejected"}, {"status": "REJECTED"}),
    (
        "DataTransfer",
        {"vendorId": "com.example", "data": "[1, 2]"},
        "DataTransfer",
        {"vendorId": "com.example", "data": [1, 2]},
        {"status": "Accepted", "data": {"ok": True}},
        {"status": "ACCEPTED", "data": '{"ok": true}'},
    ),
    (
        "GetConfiguration",
        {"keys": ["OCPPCommCtrlr.HeartbeatInterval", "X.Y"]},
        "GetVariables",
        {
            "getVariableData": [
                {
                    "attributeType": "Actual",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                },
                {"attributeType": "Actual", "component": {"name": "X"}, "variable": {"name": "Y"}},
            ]
        },
        {
            "getVariableResult": [
                {
                    "attributeStatus": "Accepted",
                    "attributeValue": "300",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                },
                {
                    "attributeStatus": "UnknownComponent",
                    "component": {"name": "X"},
                    "variable": {"name": "Y"},
                },
            ]
        },
        {
            "configurationKeys": [{"key": "OCPPCommCtrlr.HeartbeatInterval", "value": "300"}],
            "unknownKeys": ["X.Y"],
        },
    ),
    (
        "ChangeConfiguration",
        {"key": "OCPPCommCtrlr.HeartbeatInterval", "value": "60"},
        "SetVariables",
        {
            "setVariableData": [
                {
                    "attributeType": "Actual",
                    "attributeValue": "60",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                }
            ]
        },
        {
            "setVariableResult": [
                {
                    "attributeStatus": "RebootRequired",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "HeartbeatInterval"},
                }
            ]
        },
        {"status": "REBOOT_REQUIRED"},
    ),
    ("GetLocalListVersion", {}, "GetLocalListVersion", {}, {"versionNumber": 3}, {"version": 3}),
    (
        "SendLocalList",
        {"version": 4, "updateType": "DIFFERENTIAL", "entries": [{"idTag": "CARD-9"}]},
        "SendLocalList",
        {
            "versionNumber": 4,
            "updateType": "Differential",
            "localAuthorizationList": [{"idToken": {"idToken": "CARD-9", "type": "ISO14443"}}],
        },
        {"status": "Failed"},
        {"status": "FAILED"},
    ),
    (
        "TriggerMessage",
        {"requestedMessage": "STATUS_NOTIFICATION", "evseId": 1},
        "TriggerMessage",
        {"requestedMessage": "StatusNotification", "evse": {"id": 1, "connectorId": 1}},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "UpdateFirmware",
        {"location": "https://fw/x.bin", "retrieveAt": "2024-05-01T12:00:00Z"},
        "UpdateFirmware",
        {
            "requestId": ANY,
            "firmware": {
                "location": "https://fw/x.bin",
                "retrieveDateTime": "2024-05-01T12:00:00.000Z",
            },
        },
        {"status": "Accepted"},
        {"status": "Accepted"},
    ),
    (
        "GetDiagnostics",
        {"location": "ftp://logs/", "logType": "SECURITY", "requestId": 77},
        "GetLog",
        {"logType": "SecurityLog", "requestId": 77, "log": {"remoteLocation": "ftp://logs/"}},
        {"status": "Accepted", "filename": "security.log"},
        {"status": "Accepted", "fileName": "security.log"},
    ),
    (
        "ReserveNow",
        {"evseId": 1, "expiresAt": "2024-05-01T13:00:00Z", "idTag": "CARD-1", "reservationId": 5},
        "ReserveNow",
        {
            "id": 5,
            "expiryDateTime": "2024-05-01T13:00:00.000Z",
            "idToken": {"idToken": "CARD-1", "type": "ISO14443"},
            "evseId": 1,
        },
        {"status": "Occupied"},
        {"status": "OCCUPIED"},
    ),
    (
        "CancelReservation",
        {"reservationId": 5},
        "CancelReservation",
        {"reservationId": 5},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "SetChargingProfile",
        {
            "evseId": 1,
            "chargingProfile": {
                "id": 3,
                "purpose": "TX_DEFAULT_PROFILE",
                "kind": "ABSOLUTE",
                "schedule": {"rateUnit": "A", "periods": [{"limit": 16}]},
            },
        },
        "SetChargingProfile",
        {
            "evseId": 1,
            "chargingProfile": {
                "id": 3,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Absolute",
                "chargingSchedule": [
                    {
                        "id": 3,
                        "chargingRateUnit": "A",
                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}],
                    }
                ],
            },
        },
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "ClearChargingProfile",
        {"chargingProfileId": 3},
        "ClearChargingProfile",
        {"chargingProfileId": 3},
        {"status": "Unknown"},
        {"status": "UNKNOWN"},
    ),
    (
        "GetCompositeSchedule",
        {"evseId": 1, "durationSeconds": 60},
        "GetCompositeSchedule",
        {"duration": 60, "evseId": 1},
        {"status": "Rejected"},
        {"status": "REJECTED"},
    ),
    (
        "GetReport",
        {"requestId": 31, "base": "SUMMARY_INVENTORY"},
        "GetBaseReport",
        {"requestId": 31, "reportBase": "SummaryInventory"},
        {"status": "Accepted"},
        {"status": "Accepted", "requestId": 31},
    ),
    (
        "GetTransactionStatus",
        {},
        "GetTransactionStatus",
        {},
        {"messagesInQueue": True},
        {"messagesInQueue": True},
    ),
    (
        "GetChargingProfiles",
        {"requestId": 41, "evseId": 0, "sources": ["CSO"]},
        "GetChargingProfiles",
        {"requestId": 41, "evseId": 0, "chargingProfile": {"chargingLimitSource": ["CSO"]}},
        {"status": "NoProfiles"},
        {"status": "NO_PROFILES", "requestId": 41},
    ),
    (
        "InstallCertificate",
        {"certificateType": "CSMS_ROOT", "certificate": certificate_pem()},
        "InstallCertificate",
        {"certificateType": "CSMSRootCertificate", "certificate": certificate_pem()},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    (
        "GetInstalledCertificateIds",
        {"certificateTypes": ["CSMS_ROOT"]},
        "GetInstalledCertificateIds",
        {"certificateType": ["CSMSRootCertificate"]},
        {
            "status": "Accepted",
            "certificateHashDataChain": [
                {"certificateType": "CSMSRootCertificate", "certificateHashData": HASH_DATA}
            ],
        },
        {
            "status": "ACCEPTED",
            "certificates": [{"certificateType": "CSMS_ROOT", "certificateHashData": HASH_DATA}],
        },
    ),
    (
        "DeleteCertificate",
        {"certificateHashData": HASH_DATA},
        "DeleteCertificate",
        {"certificateHashData": HASH_DATA},
        {"status": "NotFound"},
        {"status": "NOT_FOUND"},
    ),
    (
        "TriggerMessage",
        {"requestedMessage": "SIGN_CHARGE_POINT_CERTIFICATE"},
        "TriggerMessage",
        {"requestedMessage": "SignChargingStationCertificate"},
        {"status": "Accepted"},
        {"status": "ACCEPTED"},
    ),
    # Issue 13: logs and display messages.
    (
        "CustomerInformation",
        {"requestId": 12, "report": True, "idToken": "TAG-1"},
        "CustomerInformation",
        {
            "requestId": 12,
            "report": True,
            "clear": False,
            "idToken": {"idToken": "TAG-1", "type": "ISO14443"},
        },
        {"status": "Accepted"},
        {"status": "Accepted", "requestId": 12},
    ),
    (
        "SetDisplayMessage",
        {"message": {"id": 2, "priority": "IN_FRONT", "message": {"content": "Hello"}}},
        "SetDisplayMessage",
        {
            "message": {
                "id": 2,
                "priority": "InFront",
                "message": {"format": "UTF8", "content": "Hello"},
            }
        },
        {"status": "Accepted"},
        {"status": "Accepted"},
    ),
    (
        "GetDisplayMessages",
        {"requestId": 13, "ids": [2]},
        "GetDisplayMessages",
        {"requestId": 13, "id": [2]},
        {"status": "Unknown"},
        {"status": "Unknown", "requestId": 13},
    ),
    (
        "ClearDisplayMessage",
        {"id": 2},
        "ClearDisplayMessage",
        {"id": 2},
        {"status": "Accepted"},
        {"status": "Accepted"},
    ),
    # Issue 13: firmware.
    (
        "UpdateSignedFirmware",
        {
            "location": "https://fw.example/v2.bin",
            "retrieveAt": "2024-05-01T12:00:00Z",
            "signingCertificate": certificate_pem(),
            "signature": "c2lnbmF0dXJl",
            "requestId": 40,
        },
        "UpdateFirmware",
        {
            "requestId": 40,
            "firmware": {
                "location": "https://fw.example/v2.bin",
                "retrieveDateTime": "2024-05-01T12:00:00.000Z",
                "signingCertificate": certificate_pem(),
                "signature": "c2lnbmF0dXJl",
            },
        },
        {"status": "InvalidCertificate"},
        {"status": "InvalidCertificate", "requestId": 40},
    ),
    (
        "PublishFirmware",
        {"location": "https://fw.example/v2.bin", "checksum": "0" * 32, "requestId": 41},
        "PublishFirmware",
        {"location": "https://fw.example/v2.bin", "checksum": "0" * 32, "requestId": 41},
        {"status": "Accepted"},
        {"status": "Accepted", "requestId": 41},
    ),
    (
        "UnpublishFirmware",
        {"checksum": "0" * 32},
        "UnpublishFirmware",
        {"checksum": "0" * 32},
        {"status": "NoFirmware"},
        {"status": "NoFirmware"},
    ),
]

STARTED = {
    "eventType": "Started",
    "timestamp": "2024-05-01T12:00:00Z",
    "triggerReason": "RemoteStart",
    "seqNo": 0,
    "transactionInfo": {"transactionId": "b3f1-77"},
    "evse": {"id": 1, "connectorId": 1},
}


async def exchange(
    stub: Any, station: RemoteStation, rpc: str, fields: dict[str, Any], answer: dict[str, Any]
) -> tuple[list[Any], Any]:
    """Call ``rpc``, receive the CALL the station gets, answer it: (frame, response)."""
    request = request_message(rpc, {"chargePointId": "CS-OPS", **fields})
    pending = asyncio.ensure_future(getattr(stub, rpc)(request))
    frame = await station.next_call()
    await station.answer(frame, answer)
    return frame, await pending
