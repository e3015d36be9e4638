"""The OCPP 2.x base-report admission rules (2.0.1 B02/B07), as a complete table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from chargepoint_svc.domain.base_report import BootDecision, admits_on_completion, decide_boot
from chargepoint_svc.domain.charge_point import (
    Admission,
    ChargePoint,
    ChargePointId,
    RegistrationStatus,
)
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
VERSIONS = ("1.6", "2.0.1", "2.1")
STORED = (None, *RegistrationStatus)  # None: the station is not registered yet


def _status(policy: AdmissionPolicy, stored: RegistrationStatus | None) -> RegistrationStatus:
    """What the boot answers before the base-report rule: the stored status, or the
    admission policy's for an unknown station (strict: Rejected)."""
    if stored is not None:
        return stored
    return Admission(policy, 300, 60).status_for_unknown() or RegistrationStatus.REJECTED


@pytest.mark.parametrize(
    ("version", "policy", "stored", "base_report", "held"),
    list(itertools.product(VERSIONS, AdmissionPolicy, STORED, BaseReportPolicy, (False, True))),
)
def test_boot_decision_for_every_combination(
    version: str,
    policy: AdmissionPolicy,
    stored: RegistrationStatus | None,
    base_report: BaseReportPolicy,
    held: bool,
) -> None:
    status = _status(policy, stored)
    decision = decide_boot(status, version, base_report, base_report_held=held)
    # Only a 2.x station answered Pending, under the pending policy, with no complete base
    # report is asked for one; the status itself is never changed by the rule.
    asked = (
        version in ("2.0.1", "2.1")
        and (stored is RegistrationStatus.PENDING or (stored is None and policy == "pending"))
        and base_report == "pending"
        and not held
    )
    assert decision == BootDecision(status, asked)


def test_the_cases_the_rule_is_about() -> None:
    pending = RegistrationStatus.PENDING
    ask = BaseReportPolicy.PENDING
    assert decide_boot(pending, "2.0.1", ask, base_report_held=False).request_base_report
    assert decide_boot(pending, "2.1", ask, base_report_held=False).request_base_report
    assert not decide_boot(pending, "1.6", ask, base_report_held=False).request_base_report
    assert not decide_boot(pending, "2.0.1", ask, base_report_held=True).request_base_report
    assert not decide_boot(
        pending, "2.0.1", BaseReportPolicy.NEVER, base_report_held=False
    ).request_base_report
    for other in (RegistrationStatus.ACCEPTED, RegistrationStatus.REJECTED):
        assert not decide_boot(other, "2.0.1", ask, base_report_held=False).request_base_report


@pytest.mark.parametrize(
    ("status", "policy", "owed"),
    list(itertools.product(RegistrationStatus, BaseReportPolicy, (False, True))),
)
def test_completion_admits_only_an_owing_pending_station_under_the_pending_policy(
    status: RegistrationStatus, policy: BaseReportPolicy, owed: bool
) -> None:
    expected = owed and status == "PENDING" and policy == "pending"
    assert admits_on_completion(status, policy, base_report_owed=owed) is expected


def test_report_completed_settles_the_debt_and_admits() -> None:
    owing = ChargePoint.register(ChargePointId("CP1"), RegistrationStatus.PENDING, T0)
    owing = owing.owing_base_report()
    later = datetime(2025, 3, 1, 13, 0, tzinfo=UTC)
    admitted = owing.report_completed(later, admit=True)
    assert admitted.registration_status is RegistrationStatus.ACCEPTED
    assert (admitted.base_report_owed, admitted.base_report_at) == (False, later)
    assert (admitted.reported_at, admitted.last_seen_at) == (later, later)

    kept = owing.report_completed(later, admit=False)
    assert kept.registration_status is RegistrationStatus.PENDING
    assert (kept.base_report_owed, kept.base_report_at) == (False, later)


def test_a_report_nobody_owed_is_not_a_base_report() -> None:
    station = ChargePoint.register(ChargePointId("CP1"), RegistrationStatus.ACCEPTED, T0)
    done = station.report_completed(T0, admit=False)
    assert (done.base_report_at, done.reported_at) == (None, T0)
