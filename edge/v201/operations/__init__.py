"""The EdgeService operations in OCPP 2.0.1: one translator pair per typed operation, by
RPC name, and the actions a CSMS sends (OCPP 2.0.1 Part 2, messages initiated by the
CSMS) for the generic Send.

OCPP 2.1 keeps these messages' shapes, so :func:`version_operations` builds the table of
either version from the same translators and that version's call classes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from types import MappingProxyType, ModuleType
from typing import Any

from google.protobuf.message import Message
from ocpp.v201 import call
from ocpp.v201.enums import MessageTriggerEnumType

from edge.operations.batches import BatchedOperation
from edge.operations.dispatcher import Lookups, Resolved, ResolvingOperation
from edge.operations.translators import Operation, VersionOperations
from edge.v16.operations.signed_firmware import request_id as checked_request_id
from edge.v201.operations import (
    basic_auth,
    certificates,
    charging_profiles,
    core,
    cost,
    device_model,
    firmware,
    local_list,
    logs_and_display,
    monitoring,
    network_profiles,
    reservation,
    resolution,
    signed_firmware,
    smart_charging,
    variables,
)
from edge.v201.operations.fields import Kwargs

OUTGOING_ACTIONS = frozenset(
    {
        "CancelReservation",
        "CertificateSigned",
        "ChangeAvailability",
        "ClearCache",
        "ClearChargingProfile",
        "ClearDisplayMessage",
        "ClearVariableMonitoring",
        "CostUpdated",
        "CustomerInformation",
        "DataTransfer",
        "DeleteCertificate",
        "GetBaseReport",
        "GetChargingProfiles",
        "GetCompositeSchedule",
        "GetDisplayMessages",
        "GetInstalledCertificateIds",
        "GetLocalListVersion",
        "GetLog",
        "GetMonitoringReport",
        "GetReport",
        "GetTransactionStatus",
        "GetVariables",
        "InstallCertificate",
        "PublishFirmware",
        "RequestStartTransaction",
        "RequestStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "SetDisplayMessage",
        "SetMonitoringBase",
        "SetMonitoringLevel",
        "SetNetworkProfile",
        "SetVariableMonitoring",
        "SetVariables",
        "TriggerMessage",
        "UnlockConnector",
        "UnpublishFirmware",
        "UpdateFirmware",
    }
)

# OCPP 2.0.1 MessageTriggerEnumType (F06).
TRIGGERS = frozenset(trigger.value for trigger in MessageTriggerEnumType)

Translate = Callable[[Any], Kwargs]
Answer = Callable[[Any], Message]
Resolve = Callable[[Any, Lookups], Awaitable[Resolved]]

# RPC name -> (2.x action, request translator, answer translator, resolve step or None).
_TRANSLATORS: Mapping[str, tuple[str, Translate, Answer, Resolve | None]] = MappingProxyType(
    {
        "RequestStartTransaction": (
            "RequestStartTransaction",
            core.remote_start_request,
            core.remote_start_answer,
            resolution.remote_start,
        ),
        "RequestStopTransaction": (
            "RequestStopTransaction",
            core.remote_stop_request,
            core.remote_stop_answer,
            resolution.transaction,
        ),
        "GetTransactionStatus": (
            "GetTransactionStatus",
            core.transaction_status_request,
            core.transaction_status_answer,
            resolution.optional_transaction,
        ),
        "UnlockConnector": ("UnlockConnector", core.unlock_request, core.unlock_answer, None),
        "Reset": ("Reset", core.reset_request, core.reset_answer, None),
        "ChangeAvailability": (
            "ChangeAvailability",
            core.availability_request,
            core.availability_answer,
            None,
        ),
        "ClearCache": ("ClearCache", core.clear_cache_request, core.clear_cache_answer, None),
        "DataTransfer": (
            "DataTransfer",
            core.data_transfer_request,
            core.data_transfer_answer,
            None,
        ),
        "GetConfiguration": (
            "GetVariables",
            device_model.get_variables_request,
            device_model.get_variables_answer,
            None,
        ),
        "ChangeConfiguration": (
            "SetVariables",
            device_model.set_variables_request,
            device_model.set_variables_answer,
            None,
        ),
        "GetReport": (
            "GetBaseReport",
            device_model.base_report_request,
            device_model.base_report_answer,
            resolution.request_id,
        ),
        "GetLocalListVersion": (
            "GetLocalListVersion",
            local_list.version_request,
            local_list.version_answer,
            None,
        ),
        "SendLocalList": ("SendLocalList", local_list.send_request, local_list.send_answer, None),
        "UpdateFirmware": (
            "UpdateFirmware",
            firmware.update_request,
            firmware.update_answer,
            resolution.request_id,
        ),
        "GetDiagnostics": (
            "GetLog",
            firmware.log_request,
            firmware.log_answer,
            resolution.request_id,
        ),
        "ReserveNow": (
            "ReserveNow",
            reservation.reserve_request,
            reservation.reserve_answer,
            None,
        ),
        "CancelReservation": (
            "CancelReservation",
            reservation.cancel_request,
            reservation.cancel_answer,
            None,
        ),
        "SetChargingProfile": (
            "SetChargingProfile",
            smart_charging.set_request,
            smart_charging.set_answer,
            resolution.profile_transaction,
        ),
        "ClearChargingProfile": (
            "ClearChargingProfile",
            smart_charging.clear_request,
            smart_charging.clear_answer,
            None,
        ),
        "GetCompositeSchedule": (
            "GetCompositeSchedule",
            smart_charging.composite_request,
            smart_charging.composite_answer,
            None,
        ),
        "InstallCertificate": (
            "InstallCertificate",
            certificates.install_request,
            certificates.install_answer,
            None,
        ),
        "DeleteCertificate": (
            "DeleteCertificate",
            certificates.delete_request,
            certificates.delete_answer,
            None,
        ),
        "GetInstalledCertificateIds": (
            "GetInstalledCertificateIds",
            certificates.installed_ids_request,
            certificates.installed_ids_answer,
            None,
        ),
        "SetBasicAuthPassword": (
            "SetVariables",
            basic_auth.password_request,
            device_model.set_variables_answer,
            None,
        ),
        "UpdateCost": (
            "CostUpdated",
            cost.update_request,
            cost.update_answer,
            resolution.transaction,
        ),
        # Issue 13: monitoring (OCPP 2.0.1 N02-N06).
        "SetVariableMonitoring": (
            "SetVariableMonitoring",
            monitoring.set_request,
            monitoring.set_answer,
            None,
        ),
        "ClearVariableMonitoring": (
            "ClearVariableMonitoring",
            monitoring.clear_request,
            monitoring.clear_answer,
            None,
        ),
        "SetMonitoringBase": (
            "SetMonitoringBase",
            monitoring.base_request,
            monitoring.base_answer,
            None,
        ),
        "SetMonitoringLevel": (
            "SetMonitoringLevel",
            monitoring.level_request,
            monitoring.level_answer,
            None,
        ),
        "GetMonitoringReport": (
            "GetMonitoringReport",
            monitoring.report_request,
            monitoring.report_answer,
            resolution.request_id,
        ),
        # Issue 13: network profiles.
        "SetNetworkProfile": (
            "SetNetworkProfile",
            network_profiles.set_request,
            network_profiles.set_answer,
            None,
        ),
        # Issue 13: logs and display messages.
        "CustomerInformation": (
            "CustomerInformation",
            logs_and_display.customer_information_request,
            logs_and_display.customer_information_answer,
            resolution.request_id,
        ),
        "SetDisplayMessage": (
            "SetDisplayMessage",
            logs_and_display.set_message_request,
            logs_and_display.set_message_answer,
            None,
        ),
        "GetDisplayMessages": (
            "GetDisplayMessages",
            logs_and_display.get_messages_request,
            logs_and_display.get_messages_answer,
            resolution.request_id,
        ),
        "ClearDisplayMessage": (
            "ClearDisplayMessage",
            logs_and_display.clear_message_request,
            logs_and_display.clear_message_answer,
            None,
        ),
        # Issue 13: smart charging.
        "GetChargingProfiles": (
            "GetChargingProfiles",
            charging_profiles.get_request,
            charging_profiles.get_answer,
            resolution.request_id,
        ),
        # Issue 13: firmware.
        "UpdateSignedFirmware": (
            "UpdateFirmware",
            signed_firmware.update_request,
            signed_firmware.update_answer,
            checked_request_id,
        ),
        "PublishFirmware": (
            "PublishFirmware",
            signed_firmware.publish_request,
            signed_firmware.publish_answer,
            checked_request_id,
        ),
        "UnpublishFirmware": (
            "UnpublishFirmware",
            signed_firmware.unpublish_request,
            signed_firmware.unpublish_answer,
            None,
        ),
    }
)


def _builder(calls: ModuleType, action: str, translate: Translate) -> Callable[[Any], Any]:
    """The request translator as the table needs it: keyword arguments -> the version's
    call class of ``action``."""
    payload_class = getattr(calls, action)

    def build(request: Any) -> Any:
        return payload_class(**translate(request))

    return build


def _report_builder(calls: ModuleType) -> Callable[[Any], Any]:
    """GetReport's request: a filtered GetReport (B08) when it names components, variables
    or criteria, else GetBaseReport (B07). Both answer GenericDeviceModelStatus."""
    base = _builder(calls, "GetBaseReport", device_model.base_report_request)
    filtered = _builder(calls, "GetReport", device_model.report_request)

    def build(resolved: Any) -> Any:
        return (filtered if device_model.is_filtered(resolved.request) else base)(resolved)

    return build


def version_operations(
    calls: ModuleType,
    outgoing_actions: frozenset[str],
    version: str = "2.0.1",
    triggers: frozenset[str] = TRIGGERS,
) -> VersionOperations:
    """The operations of an OCPP 2.x version whose call classes are ``calls``; ``triggers``
    its MessageTriggerEnumType values."""
    typed: dict[str, Operation] = {}
    for name, (action, translate, answer, resolve) in _TRANSLATORS.items():
        build = (
            _report_builder(calls) if name == "GetReport" else _builder(calls, action, translate)
        )
        if resolve is None:
            typed[name] = Operation(action, build, answer)
        else:
            typed[name] = ResolvingOperation(action, build, answer, resolve)
    # F06: the values a TriggerMessage may ask for differ between versions.
    typed["TriggerMessage"] = Operation(
        "TriggerMessage",
        _builder(
            calls,
            "TriggerMessage",
            partial(core.trigger_request, version=version, triggers=triggers),
        ),
        core.trigger_answer,
    )
    # Issue 13: device model. GetVariables / SetVariables of many variables, batched.
    typed["GetVariables"] = BatchedOperation(
        "GetVariables",
        _builder(calls, "GetVariables", variables.read_request),
        variables.read_answer,
        variables.read_items,
        variables.recorded,
    )
    typed["SetVariables"] = BatchedOperation(
        "SetVariables",
        _builder(calls, "SetVariables", variables.write_request),
        variables.write_answer,
        variables.write_items,
        variables.recorded,
    )
    return VersionOperations(
        typed=MappingProxyType(typed), outgoing_actions=outgoing_actions, calls=calls
    )


OPERATIONS = version_operations(call, OUTGOING_ACTIONS)

__all__ = ["OPERATIONS", "OUTGOING_ACTIONS", "Resolved", "version_operations"]
