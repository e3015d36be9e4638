"""The charge point policy part of the settings (``settings.charge_points``): whom the CSMS
admits and what it tells a station at boot. Read by chargepoint_svc, which answers
BootNotification, and by the launcher's banner; the variables are documented in
:data:`servicekit.settings.VARIABLES`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass

from servicekit.security_settings import SettingsError, positive


class BaseReportPolicy(enum.StrEnum):
    """OCPP 2.x admission (2.0.1 B02/B07): what happens to a station answered Pending.

    ``pending``: the CSMS asks it for its base report (GetBaseReport FullInventory) and,
    once the report is complete, accepts it and makes it boot again. ``never``: it stays
    Pending until an operator registers it as Accepted.
    """

    PENDING = "pending"
    NEVER = "never"


class AdmissionPolicy(enum.StrEnum):
    """What happens to a charge point the CSMS has never registered.

    ``open``: registered on its first BootNotification and Accepted (the embedded default,
    so the quick start needs no setup). ``pending``: registered as Pending until an operator
    accepts it. ``strict``: its BootNotification is Rejected and nothing is stored.
    """

    OPEN = "open"
    PENDING = "pending"
    STRICT = "strict"


@dataclass(frozen=True)
class ChargePointPolicy:
    admission_policy: AdmissionPolicy
    base_report: BaseReportPolicy
    heartbeat_interval: int
    """Seconds, given to Accepted charge points (OCPP 1.6 4.2, 2.0.1 B01)."""
    boot_retry_interval: int
    """Seconds, given to Pending or Rejected charge points."""
    site_limit_w: float | None = None
    """The power a station may draw unless a lower limit is known (OCPP 2.0.1 K15: the
    schedule offered to an EV stays within it); None: no such limit."""

    @classmethod
    def from_env(cls, raw: Callable[[str], str]) -> ChargePointPolicy:
        policy_text = raw("CSMS_ADMISSION_POLICY").lower()
        try:
            policy = AdmissionPolicy(policy_text)
        except ValueError:
            choices = ", ".join(p.value for p in AdmissionPolicy)
            raise SettingsError(
                f"CSMS_ADMISSION_POLICY={policy_text!r} is not one of: {choices}"
            ) from None
        report_text = raw("CSMS_BASE_REPORT").lower()
        try:
            base_report = BaseReportPolicy(report_text)
        except ValueError:
            raise SettingsError(
                f"CSMS_BASE_REPORT={report_text!r} is not one of: pending, never"
            ) from None
        return cls(
            admission_policy=policy,
            base_report=base_report,
            heartbeat_interval=positive("CSMS_HEARTBEAT_INTERVAL", raw("CSMS_HEARTBEAT_INTERVAL")),
            boot_retry_interval=positive(
                "CSMS_BOOT_RETRY_INTERVAL", raw("CSMS_BOOT_RETRY_INTERVAL")
            ),
            site_limit_w=_site_limit(raw("CSMS_SITE_LIMIT_W")),
        )


def _site_limit(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"CSMS_SITE_LIMIT_W={text!r} is not a number of watts") from None
    if not math.isfinite(value) or value < 0:
        raise SettingsError(f"CSMS_SITE_LIMIT_W={text!r} must be 0 (no limit) or more watts")
    return value or None
