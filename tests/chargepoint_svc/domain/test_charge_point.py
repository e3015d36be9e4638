from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargepoint_svc.domain.charge_point import (
    Admission,
    BootData,
    ChargePoint,
    ChargePointId,
    Connector,
    ConnectorStatus,
    ConnectorStatusReport,
    DataTransfer,
    DataTransferStatus,
    RegistrationStatus,
    answer_data_transfer,
    parse_charge_point_id,
    required_status,
)
from chargepoint_svc.errors import InvalidChargePointId, InvalidReport
from servicekit.charge_point_policy import AdmissionPolicy

pytestmark = pytest.mark.unit


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ALLOWED = string.ascii_letters + string.digits + "*-_=:+|@."


@pytest.mark.parametrize("text", ["CP001", "a", "x" * 48, "cp-1_2=3:4+5|6@7.8*"])
def test_identifier_strings_are_accepted(text: str) -> None:
    assert parse_charge_point_id(text) == text


@pytest.mark.parametrize("text", ["", "x" * 49, "CP 1", "CP/1", "CP#1", "ünï", "cp?x=1"])
def test_other_ids_are_refused_with_the_allowed_characters(text: str) -> None:
    with pytest.raises(InvalidChargePointId, match=r"1 to 48 characters from A-Z, a-z, 0-9"):
        parse_charge_point_id(text)


@given(st.text(max_size=60))
def test_an_id_is_accepted_exactly_when_it_is_an_identifier_string(text: str) -> None:
    valid = 1 <= len(text) <= 48 and all(char in ALLOWED for char in text)
    try:
        parse_charge_point_id(text)
    except InvalidChargePointId:
        assert not valid
    else:
        assert valid


@pytest.mark.parametrize(
    ("policy", "status"),
    [
        (AdmissionPolicy.OPEN, RegistrationStatus.ACCEPTED),
        (AdmissionPolicy.PENDING, RegistrationStatus.PENDING),
        (AdmissionPolicy.STRICT, None),
    ],
)
def test_admission_of_unknown_charge_points(
    policy: AdmissionPolicy, status: RegistrationStatus | None
) -> None:
    assert Admission(policy, 300, 60).status_for_unknown() == status


@pytest.mark.parametrize(
    ("policy", "stored", "admitted"),
    [
        (AdmissionPolicy.OPEN, None, True),
        (AdmissionPolicy.PENDING, None, True),
        (AdmissionPolicy.STRICT, None, False),
        # A registered station connects whatever its status; its boot answer tells it.
        (AdmissionPolicy.STRICT, RegistrationStatus.REJECTED, True),
        (AdmissionPolicy.STRICT, RegistrationStatus.PENDING, True),
        (AdmissionPolicy.OPEN, RegistrationStatus.ACCEPTED, True),
    ],
)
def test_admission_of_a_connection(
    policy: AdmissionPolicy, stored: RegistrationStatus | None, admitted: bool
) -> None:
    decision = Admission(policy, 300, 60).connection(ChargePointId("CP-1"), stored)
    assert (decision.admitted, decision.registration_status) == (admitted, stored)
    assert (decision.reason == "") == admitted
    if not admitted:
        assert decision.reason == (
            "charge point CP-1 is not registered and the admission policy is strict: register "
            "it first (POST /api/v1/charge-points)"
        )


@pytest.mark.parametrize(
    ("status", "interval"),
    [
        (RegistrationStatus.ACCEPTED, 300),
        (RegistrationStatus.PENDING, 60),
        (RegistrationStatus.REJECTED, 60),
    ],
)
def test_boot_answer_gives_heartbeat_interval_only_when_accepted(
    status: RegistrationStatus, interval: int
) -> None:
    answer = Admission(AdmissionPolicy.OPEN, 300, 60).boot_answer(status, T0)
    assert (answer.status, answer.current_time, answer.interval_seconds) == (status, T0, interval)


def _connector(at: datetime) -> Connector:
    return Connector(1, 1, ConnectorStatus.AVAILABLE, status_at=at, updated_at=at)


def test_a_report_supersedes_nothing_an_older_and_an_equal_one() -> None:
    report = _connector(T0)
    assert report.supersedes(None)
    assert report.supersedes(_connector(T0 - timedelta(seconds=1)))
    assert report.supersedes(_connector(T0))
    assert not report.supersedes(_connector(T0 + timedelta(seconds=1)))


def test_a_status_report_without_time_is_dated_on_receipt() -> None:
    report = ConnectorStatusReport(2, 1, ConnectorStatus.CHARGING, error_code="NoError")
    connector = report.connector(received_at=T0)
    assert connector == Connector(
        2, 1, ConnectorStatus.CHARGING, status_at=T0, updated_at=T0, error_code="NoError"
    )
    stamped = ConnectorStatusReport(2, 1, ConnectorStatus.CHARGING, timestamp=T0)
    assert stamped.connector(received_at=T0 + timedelta(hours=1)).status_at == T0


@pytest.mark.parametrize(
    ("evse_id", "connector_id", "message"),
    [(-1, 1, "evse_id must be 0 or more, got -1"), (1, -2, "connector_id must be 0 or more")],
)
def test_status_report_ids_must_not_be_negative(
    evse_id: int, connector_id: int, message: str
) -> None:
    with pytest.raises(InvalidReport, match=message):
        ConnectorStatusReport(evse_id, connector_id, ConnectorStatus.AVAILABLE)


def test_text_longer_than_ocpp_allows_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidReport, match="model is 21 characters long; OCPP allows at most 20"):
        BootData(model="m" * 21)
    with pytest.raises(InvalidReport, match="info is 51 characters"):
        ConnectorStatusReport(1, 1, ConnectorStatus.FAULTED, info="i" * 51)


def test_firmware_and_diagnostics_status_must_not_be_empty() -> None:
    assert required_status("firmware_status", "Installed") == "Installed"
    with pytest.raises(InvalidReport, match="firmware_status is required"):
        required_status("firmware_status", "")


def test_boot_replaces_boot_data_and_marks_boot_and_seen() -> None:
    registered = ChargePoint.register(ChargePointId("CP1"), RegistrationStatus.PENDING, T0)
    later = T0 + timedelta(minutes=5)
    booted = registered.booted(BootData(vendor="V", model="M", ocpp_version="1.6"), later)
    assert booted.boot.vendor == "V"
    assert (booted.last_boot_at, booted.last_seen_at, booted.updated_at) == (later, later, later)
    assert booted.created_at == T0
    assert booted.registration_status is RegistrationStatus.PENDING


def test_firmware_and_diagnostics_status_also_mark_the_charge_point_seen() -> None:
    registered = ChargePoint.register(ChargePointId("CP1"), RegistrationStatus.ACCEPTED, T0)
    later = T0 + timedelta(minutes=1)
    assert registered.with_firmware_status("Installed", later).last_seen_at == later
    changed = registered.with_diagnostics_status("Uploaded", later)
    assert (changed.diagnostics_status, changed.last_seen_at) == ("Uploaded", later)


def test_data_transfers_are_answered_unknown_vendor() -> None:
    transfer = DataTransfer(ChargePointId("CP1"), "com.example", "Hello", "{}", T0)
    assert answer_data_transfer(transfer).status is DataTransferStatus.UNKNOWN_VENDOR_ID


def test_a_data_transfer_needs_a_vendor_id() -> None:
    with pytest.raises(InvalidReport, match="vendor_id is required"):
        DataTransfer(ChargePointId("CP1"), "", "", "", T0)
