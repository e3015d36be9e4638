"""OCPP 2.x admission through the base report: when a boot asks for one, when a report
settles the debt.

OCPP 2.0.1 B02 lets the CSMS answer a BootNotification with Pending and, while the
station is Pending, send it configuration calls such as GetBaseReport. B07
(GetBaseReport FullInventory) makes the station send its whole device model in
NotifyReport parts; the part with ``tbc`` false is the last one (NotifyReportRequest.tbc).
The CSMS here uses that pair as an admission check under ``CSMS_BASE_REPORT=pending``:

1. A 2.0.1 or 2.1 boot whose answer is Pending, from a station that holds no complete base
   report, is answered Pending with ``request_base_report``; the station now *owes* one.
   OCPP 1.6 has no device model, so 1.6 boots never ask. Accepted boots need nothing, and
   Rejected stations may send nothing but boots (B03), so neither asks.
2. A station that holds a complete base report and is still Pending (an operator
   set it back to Pending, or the policy became ``never`` before its report was complete)
   is not asked again: it waits for the operator, who sees its device model.
3. The complete report (the ``tbc`` false part; parts may arrive in any order) of a
   station that owes one settles the debt. If it is still Pending and the policy is
   ``pending``, it is Accepted at once and the edge makes it boot again (TriggerMessage
   BootNotification, F06), which is then Accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from chargepoint_svc.domain.charge_point import RegistrationStatus
from servicekit.charge_point_policy import BaseReportPolicy

# The OCPP versions that have a device model to report (2.0.1 Part 1 §4, 2.1 likewise).
DEVICE_MODEL_VERSIONS = frozenset({"2.0.1", "2.1"})


@dataclass(frozen=True)
class BootDecision:
    status: RegistrationStatus
    request_base_report: bool


def decide_boot(
    status: RegistrationStatus,
    ocpp_version: str,
    policy: BaseReportPolicy,
    *,
    base_report_held: bool,
) -> BootDecision:
    """The answer to a boot of a station whose registration is ``status`` (rule 1, 2)."""
    request = (
        status is RegistrationStatus.PENDING
        and ocpp_version in DEVICE_MODEL_VERSIONS
        and policy is BaseReportPolicy.PENDING
        and not base_report_held
    )
    return BootDecision(status, request)


def admits_on_completion(
    status: RegistrationStatus, policy: BaseReportPolicy, *, base_report_owed: bool
) -> bool:
    """Whether a complete report makes the station Accepted now (rule 3)."""
    return (
        base_report_owed
        and status is RegistrationStatus.PENDING
        and policy is BaseReportPolicy.PENDING
    )
