"""Reports, security events and monitoring events, and the 2.x admission flow, over the
in-memory adapters."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from chargepoint_svc.adapters.memory import MemoryStore, MemoryUnitOfWork
from chargepoint_svc.domain.charge_point import Admission, BootData, RegistrationStatus
from chargepoint_svc.domain.device_model import ReportedVariable, ReportPart
from chargepoint_svc.domain.station_events import SecurityEvent, StationEvent
from chargepoint_svc.errors import ChargePointNotFound, ChargePointNotRegistered, InvalidReport
from chargepoint_svc.use_cases import ChargePointUseCases
from chargepoint_svc.use_cases.station_reports import (
    SecurityEventDraft,
    StationEventDraft,
    StationReportUseCases,
)
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy
from servicekit.clock import FixedClock
from servicekit.errors import InvalidArgument
from servicekit.pagination import PageRequest

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BOOT_201 = BootData(ocpp_version="2.0.1", vendor="Acme", model="W2")
PENDING = RegistrationStatus.PENDING
ACCEPTED = RegistrationStatus.ACCEPTED


class Harness:
    def __init__(
        self,
        policy: AdmissionPolicy = AdmissionPolicy.PENDING,
        base_report: BaseReportPolicy = BaseReportPolicy.PENDING,
    ) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(T0)
        admission = Admission(policy, 300, 60, base_report)
        self.charge_points = ChargePointUseCases(
            lambda: MemoryUnitOfWork(self.store), self.clock, admission
        )
        self.reports = StationReportUseCases(
            lambda: MemoryUnitOfWork(self.store), self.clock, admission
        )

    def later(self, seconds: int) -> datetime:
        self.clock.at = T0 + timedelta(seconds=seconds)
        return self.clock.at


def _part(seq_no: int, tbc: bool, *names: str) -> ReportPart:
    variables = tuple(ReportedVariable("Component", name, value=name.lower()) for name in names)
    return ReportPart(request_id=1, seq_no=seq_no, tbc=tbc, variables=variables)


def _security(kind: str) -> SecurityEventDraft:
    return lambda cp_id, now: SecurityEvent(cp_id, kind, now, now)


def _event(event_id: int) -> StationEventDraft:
    return lambda cp_id, now: StationEvent(
        charge_point_id=cp_id,
        event_id=event_id,
        timestamp=now,
        trigger="Alerting",
        component="Connector",
        variable="Problem",
        received_at=now,
    )


async def test_the_admission_flow_with_parts_out_of_order() -> None:
    harness = Harness()
    answer = await harness.charge_points.record_boot("CP1", BOOT_201)
    assert (answer.status, answer.request_base_report, answer.interval_seconds) == (
        PENDING,
        True,
        60,
    )
    assert harness.store.charge_points["CP1"].base_report_owed

    assert not await harness.reports.record_report("CP1", _part(0, True, "A"))
    done_at = harness.later(10)
    # The last part (tbc false) arrives before part 1: the report is complete with it.
    assert await harness.reports.record_report("CP1", _part(2, False, "C"))
    stored = await harness.charge_points.get_charge_point("CP1")
    assert stored.registration_status is ACCEPTED
    assert (stored.base_report_owed, stored.base_report_at) == (False, done_at)
    assert not await harness.reports.record_report("CP1", _part(1, True, "B"))

    model = await harness.reports.get_device_model("CP1")
    assert [v.variable for v in model.variables] == ["A", "B", "C"]
    assert model.reported_at == done_at

    again = await harness.charge_points.record_boot("CP1", BOOT_201)
    assert (again.status, again.request_base_report, again.interval_seconds) == (
        ACCEPTED,
        False,
        300,
    )


@pytest.mark.parametrize(
    ("version", "policy", "stored", "base_report", "held"),
    list(
        itertools.product(
            ("1.6", "2.0.1", "2.1"),
            AdmissionPolicy,
            (None, *RegistrationStatus),
            BaseReportPolicy,
            (False, True),
        )
    ),
)
async def test_boot_answers_for_every_combination(
    version: str,
    policy: AdmissionPolicy,
    stored: RegistrationStatus | None,
    base_report: BaseReportPolicy,
    held: bool,
) -> None:
    harness = Harness(policy, base_report)
    if stored is not None:
        created = await harness.charge_points.create_charge_point("CP1", stored)
        harness.store.charge_points["CP1"] = dataclasses.replace(
            created, base_report_at=T0 if held else None
        )
    answer = await harness.charge_points.record_boot(
        "CP1", dataclasses.replace(BOOT_201, ocpp_version=version)
    )
    unknown_status = {"open": ACCEPTED, "pending": PENDING, "strict": RegistrationStatus.REJECTED}
    expected_status = stored or unknown_status[policy]
    # An unknown station holds nothing yet.
    holds = held and stored is not None
    asked = (
        version != "1.6"
        and expected_status is PENDING
        and base_report is BaseReportPolicy.PENDING
        and not holds
    )
    assert (answer.status, answer.request_base_report) == (expected_status, asked)
    found = harness.store.charge_points.get("CP1")
    assert (found is not None and found.base_report_owed) is asked


async def test_a_completed_report_under_the_never_policy_does_not_admit() -> None:
    harness = Harness(base_report=BaseReportPolicy.NEVER)
    answer = await harness.charge_points.record_boot("CP1", BOOT_201)
    assert (answer.status, answer.request_base_report) == (PENDING, False)
    assert not await harness.reports.record_report("CP1", _part(0, False, "A"))
    stored = await harness.charge_points.get_charge_point("CP1")
    assert (stored.registration_status, stored.reported_at) == (PENDING, T0)


async def test_an_owed_report_does_not_admit_a_station_an_operator_rejected_meanwhile() -> None:
    harness = Harness()
    await harness.charge_points.record_boot("CP1", BOOT_201)
    owing = harness.store.charge_points["CP1"]
    harness.store.charge_points["CP1"] = dataclasses.replace(
        owing, registration_status=RegistrationStatus.REJECTED
    )
    assert not await harness.reports.record_report("CP1", _part(0, False, "A"))
    stored = harness.store.charge_points["CP1"]
    assert stored.registration_status is RegistrationStatus.REJECTED
    assert not stored.base_report_owed


async def test_a_later_report_updates_variables_in_place_and_marks_the_station_seen() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    await harness.reports.record_report("CP1", _part(0, False, "A", "B"))
    seen = harness.later(60)
    changed = ReportPart(
        request_id=2,
        seq_no=0,
        tbc=True,
        variables=(ReportedVariable("Component", "A", value="new"),),
    )
    assert not await harness.reports.record_report("CP1", changed)
    model = await harness.reports.get_device_model("CP1")
    assert [(v.variable, v.value) for v in model.variables] == [("A", "new"), ("B", "b")]
    assert model.reported_at == T0  # the second report is not complete yet
    stored = await harness.charge_points.get_charge_point("CP1")
    assert stored.last_seen_at == seen


async def test_device_model_is_ordered_by_component_evse_connector_variable_attribute() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    variables = (
        ReportedVariable("EVSE", "Power", evse_id=2, attribute_type="Target"),
        ReportedVariable("EVSE", "Power", evse_id=2),
        ReportedVariable("EVSE", "AvailabilityState", evse_id=1, connector_id=1),
        ReportedVariable("Connector", "Type", evse_id=1, connector_id=1),
        ReportedVariable("EVSE", "AvailabilityState", evse_id=1),
    )
    await harness.reports.record_report("CP1", ReportPart(1, 0, False, variables))
    model = await harness.reports.get_device_model("CP1")
    assert [v.key for v in model.variables] == [
        ("Connector", "", 1, 1, "Type", "", "Actual"),
        ("EVSE", "", 1, 0, "AvailabilityState", "", "Actual"),
        ("EVSE", "", 1, 1, "AvailabilityState", "", "Actual"),
        ("EVSE", "", 2, 0, "Power", "", "Actual"),
        ("EVSE", "", 2, 0, "Power", "", "Target"),
    ]


async def test_events_of_unknown_stations_are_refused_under_strict_admission() -> None:
    harness = Harness(AdmissionPolicy.STRICT)
    with pytest.raises(ChargePointNotRegistered, match="X is not registered"):
        await harness.reports.record_report("X", _part(0, False, "A"))
    with pytest.raises(ChargePointNotRegistered):
        await harness.reports.record_security_event("X", _security("FirmwareUpdated"))
    with pytest.raises(ChargePointNotRegistered):
        await harness.reports.record_events("X", 0, [_event(1)])
    assert harness.store.charge_points == {}
    for read in (
        harness.reports.get_device_model("X"),
        harness.reports.list_security_events("X", PageRequest.parse(0, "")),
        harness.reports.list_events("X", PageRequest.parse(0, "")),
    ):
        with pytest.raises(ChargePointNotFound, match="'X' does not exist"):
            await read


async def test_invalid_input_changes_nothing() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    with pytest.raises(InvalidReport, match="seq_no must be 0 or more"):
        await harness.reports.record_events("CP1", -1, [])
    with pytest.raises(InvalidReport, match="type is required"):
        await harness.reports.record_security_event("CP1", _security(""))
    assert harness.store.charge_points == {}


async def test_security_events_page_newest_first() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    for index in range(5):
        harness.later(index)
        await harness.reports.record_security_event("CP1", _security(f"T{index}"))
    await harness.reports.record_security_event("CP2", _security("Other"))
    first = await harness.reports.list_security_events("CP1", PageRequest.parse(2, ""))
    assert [e.type for e in first.security_events] == ["T4", "T3"]
    second = await harness.reports.list_security_events(
        "CP1", PageRequest.parse(2, first.next_page_token)
    )
    assert [e.type for e in second.security_events] == ["T2", "T1"]
    last = await harness.reports.list_security_events(
        "CP1", PageRequest.parse(2, second.next_page_token)
    )
    assert ([e.type for e in last.security_events], last.next_page_token) == (["T0"], "")
    stored = await harness.charge_points.get_charge_point("CP1")
    assert stored.last_seen_at == T0 + timedelta(seconds=4)


async def test_station_events_page_newest_first_and_refuse_foreign_tokens() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    await harness.reports.record_events("CP1", 0, [_event(1), _event(2), _event(3)])
    first = await harness.reports.list_events("CP1", PageRequest.parse(2, ""))
    assert [e.event_id for e in first.events] == [3, 2]
    rest = await harness.reports.list_events("CP1", PageRequest.parse(2, first.next_page_token))
    assert ([e.event_id for e in rest.events], rest.next_page_token) == ([1], "")
    foreign = PageRequest(size=2, after="not-a-number")
    with pytest.raises(InvalidArgument, match="page_token is not a token"):
        await harness.reports.list_events("CP1", foreign)


async def test_variable_results_are_merged_into_the_device_model() -> None:
    harness = Harness(AdmissionPolicy.OPEN)
    stored = ReportedVariable("OCPPCommCtrlr", "ResetRetries", value="1", mutability="ReadWrite")
    await harness.reports.record_report("CP1", ReportPart(1, 0, False, (stored,)))
    harness.later(10)
    await harness.reports.record_variable_results(
        "CP1",
        [
            ReportedVariable("OCPPCommCtrlr", "ResetRetries", value="3"),
            ReportedVariable("EVSE", "Power", evse_id=1, attribute_type="MaxSet", value="7"),
        ],
    )
    model = await harness.reports.get_device_model("CP1")
    assert model.variables == (
        ReportedVariable("EVSE", "Power", evse_id=1, attribute_type="MaxSet", value="7"),
        ReportedVariable("OCPPCommCtrlr", "ResetRetries", value="3", mutability="ReadWrite"),
    )


async def test_variable_results_of_an_unknown_station_under_strict_admission_are_refused() -> None:
    harness = Harness(AdmissionPolicy.STRICT)
    with pytest.raises(ChargePointNotRegistered):
        await harness.reports.record_variable_results(
            "CP-NEW", [ReportedVariable("AuthCtrlr", "Enabled", value="true")]
        )
