"""The EdgeService operations in OCPP 2.1: the 2.0.1 translators (2.1 keeps the shapes of
those messages) with 2.1's call classes, and the actions a CSMS sends in 2.1 (2.0.1's and
those 2.1 added) for the generic Send."""

from __future__ import annotations

from ocpp.v21 import call
from ocpp.v21.enums import MessageTriggerEnumType

from edge.v201.operations import OUTGOING_ACTIONS as OUTGOING_ACTIONS_V201
from edge.v201.operations import version_operations

OUTGOING_ACTIONS = OUTGOING_ACTIONS_V201 | frozenset(
    {
        "AFRRSignal",
        "AdjustPeriodicEventStream",
        "ChangeTransactionTariff",
        "ClearDERControl",
        "ClearTariffs",
        "GetDERControl",
        "GetPeriodicEventStream",
        "GetTariffs",
        "NotifyAllowedEnergyTransfer",
        "NotifyWebPaymentStarted",
        "RequestBatterySwap",
        "SetDERControl",
        "SetDefaultTariff",
        "UpdateDynamicSchedule",
        "UsePriorityCharging",
    }
)

# OCPP 2.1 MessageTriggerEnumType: 2.0.1's, SignV2G20Certificate and CustomTrigger.
TRIGGERS = frozenset(trigger.value for trigger in MessageTriggerEnumType)

OPERATIONS = version_operations(call, OUTGOING_ACTIONS, "2.1", TRIGGERS)
