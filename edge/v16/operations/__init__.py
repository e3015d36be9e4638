"""The EdgeService operations in OCPP 1.6: one translator pair per typed operation, by
RPC name, and the actions a Central System sends (OCPP 1.6 §5, and the 1.6 security
whitepaper's additions) for the generic Send."""

from __future__ import annotations

from types import MappingProxyType

from ocpp.v16 import call

from edge.operations.dispatcher import ResolvingOperation
from edge.operations.translators import Operation, VersionOperations
from edge.v16.operations import (
    basic_auth,
    certificates,
    core,
    firmware,
    local_list,
    remote_trigger,
    reservation,
    signed_firmware,
    smart_charging,
)

OUTGOING_ACTIONS = frozenset(
    {
        # OCPP 1.6 §5: operations initiated by the Central System.
        "CancelReservation",
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "ClearChargingProfile",
        "DataTransfer",
        "GetCompositeSchedule",
        "GetConfiguration",
        "GetDiagnostics",
        "GetLocalListVersion",
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "TriggerMessage",
        "UnlockConnector",
        "UpdateFirmware",
        # OCPP 1.6 security whitepaper (edition 2).
        "CertificateSigned",
        "DeleteCertificate",
        "ExtendedTriggerMessage",
        "GetInstalledCertificateIds",
        "GetLog",
        "InstallCertificate",
        "SignedUpdateFirmware",
    }
)

OPERATIONS = VersionOperations(
    typed=MappingProxyType(
        {
            "RequestStartTransaction": Operation(
                "RemoteStartTransaction", core.remote_start_request, core.remote_start_answer
            ),
            "RequestStopTransaction": Operation(
                "RemoteStopTransaction", core.remote_stop_request, core.remote_stop_answer
            ),
            "UnlockConnector": Operation(
                "UnlockConnector", core.unlock_request, core.unlock_answer
            ),
            "Reset": Operation("Reset", core.reset_request, core.reset_answer),
            "ChangeAvailability": Operation(
                "ChangeAvailability", core.availability_request, core.availability_answer
            ),
            "ClearCache": Operation(
                "ClearCache", core.clear_cache_request, core.clear_cache_answer
            ),
            "GetConfiguration": Operation(
                "GetConfiguration",
                core.get_configuration_request,
                core.get_configuration_answer,
            ),
            "ChangeConfiguration": Operation(
                "ChangeConfiguration",
                core.change_configuration_request,
                core.change_configuration_answer,
            ),
            "DataTransfer": Operation(
                "DataTransfer", core.data_transfer_request, core.data_transfer_answer
            ),
            "GetLocalListVersion": Operation(
                "GetLocalListVersion", local_list.version_request, local_list.version_answer
            ),
            "SendLocalList": Operation(
                "SendLocalList", local_list.send_request, local_list.send_answer
            ),
            "TriggerMessage": Operation(
                "TriggerMessage", remote_trigger.trigger_request, remote_trigger.trigger_answer
            ),
            "UpdateFirmware": Operation(
                "UpdateFirmware", firmware.update_request, firmware.update_answer
            ),
            "GetDiagnostics": Operation(
                "GetDiagnostics", firmware.diagnostics_request, firmware.diagnostics_answer
            ),
            "ReserveNow": Operation(
                "ReserveNow", reservation.reserve_request, reservation.reserve_answer
            ),
            "CancelReservation": Operation(
                "CancelReservation", reservation.cancel_request, reservation.cancel_answer
            ),
            "SetChargingProfile": Operation(
                "SetChargingProfile", smart_charging.set_request, smart_charging.set_answer
            ),
            "ClearChargingProfile": Operation(
                "ClearChargingProfile", smart_charging.clear_request, smart_charging.clear_answer
            ),
            "GetCompositeSchedule": Operation(
                "GetCompositeSchedule",
                smart_charging.composite_request,
                smart_charging.composite_answer,
            ),
            "InstallCertificate": Operation(
                "InstallCertificate", certificates.install_request, certificates.install_answer
            ),
            "DeleteCertificate": Operation(
                "DeleteCertificate", certificates.delete_request, certificates.delete_answer
            ),
            "GetInstalledCertificateIds": ResolvingOperation(
                "GetInstalledCertificateIds",
                certificates.installed_ids_request,
                certificates.installed_ids_answer,
                certificates.keep,
            ),
            "SetBasicAuthPassword": Operation(
                "ChangeConfiguration",
                basic_auth.password_request,
                core.change_configuration_answer,
            ),
            # Issue 13: firmware. PublishFirmware and UnpublishFirmware have no 1.6
            # counterpart (a 1.6 station is no Local Controller): UNIMPLEMENTED.
            "UpdateSignedFirmware": ResolvingOperation(
                "SignedUpdateFirmware",
                signed_firmware.update_request,
                signed_firmware.update_answer,
                signed_firmware.request_id,
            ),
        }
    ),
    outgoing_actions=OUTGOING_ACTIONS,
    calls=call,
)
