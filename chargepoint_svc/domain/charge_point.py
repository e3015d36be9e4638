"""Charge points, their connectors and the rules that decide what a station's event changes.

Pure values and functions: no I/O, no SQLAlchemy, no protobuf. Times are aware UTC
datetimes handed in by the caller (the use cases own the clock).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from chargepoint_svc.errors import InvalidChargePointId, InvalidReport
from servicekit.charge_point_policy import AdmissionPolicy, BaseReportPolicy

ChargePointId = NewType("ChargePointId", str)

# OCPP identifierString (OCPP 2.0.1 Part 2 §2.1.2 / Part 4 §3.1; the 1.6J identity in the URL):
# at most 48 characters from this set, so that it is safe in a URL path without escaping.
CHARGE_POINT_ID_MAX_LENGTH = 48
_IDENTIFIER = re.compile(r"[A-Za-z0-9*\-_=:+|@.]+")

# The longest value of each text field the CSMS stores: the largest size any supported OCPP
# version allows (1.6 CiStringNType, 2.0.1/2.1 string[0..N]); the columns are this wide.
MAX_LENGTH: dict[str, int] = {
    "vendor": 50,  # 2.0.1 ChargingStationType.vendorName; 1.6 chargePointVendor is 20
    "model": 20,
    "serial_number": 25,
    "firmware_version": 50,
    "ocpp_version": 8,
    "iccid": 20,
    "imsi": 20,
    "meter_type": 25,
    "meter_serial_number": 25,
    "error_code": 50,
    "info": 50,
    "vendor_id": 255,
    "vendor_error_code": 50,
    "firmware_status": 50,
    "diagnostics_status": 50,
    "message_id": 50,
}


def parse_charge_point_id(text: str) -> ChargePointId:
    """Check that ``text`` is an OCPP identifierString of 1 to 48 characters."""
    if not 1 <= len(text) <= CHARGE_POINT_ID_MAX_LENGTH or not _IDENTIFIER.fullmatch(text):
        # The message becomes a gRPC trailer: an id of megabytes must not be echoed whole.
        shown = text if len(text) <= 2 * CHARGE_POINT_ID_MAX_LENGTH else text[:48] + "…"
        raise InvalidChargePointId(
            f"charge point id {shown!r} is not valid: use 1 to {CHARGE_POINT_ID_MAX_LENGTH} "
            "characters from A-Z, a-z, 0-9 and * - _ = : + | @ . (OCPP identifierString)"
        )
    return ChargePointId(text)


def bounded(field: str, value: str) -> str:
    """``value`` unchanged if it fits the column of ``field``; InvalidReport otherwise."""
    limit = MAX_LENGTH[field]
    if len(value) > limit:
        raise InvalidReport(f"{field} is {len(value)} characters long; OCPP allows at most {limit}")
    return value


def required_status(field: str, value: str) -> str:
    """A firmware or diagnostics status as reported: it must say something."""
    if not value:
        raise InvalidReport(f"{field} is required, e.g. 'Installed', 'Uploaded' or 'Idle'")
    return bounded(field, value)


class RegistrationStatus(enum.StrEnum):
    """Admission of a charge point (OCPP 1.6 §4.2 RegistrationStatus; 2.0.1 B01)."""

    ACCEPTED = "ACCEPTED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"


class ConnectorStatus(enum.StrEnum):
    """OCPP 1.6 ChargePointStatus and 2.x ConnectorStatusEnumType, in one vocabulary."""

    AVAILABLE = "AVAILABLE"
    PREPARING = "PREPARING"
    CHARGING = "CHARGING"
    SUSPENDED_EV = "SUSPENDED_EV"
    SUSPENDED_EVSE = "SUSPENDED_EVSE"
    FINISHING = "FINISHING"
    RESERVED = "RESERVED"
    UNAVAILABLE = "UNAVAILABLE"
    FAULTED = "FAULTED"
    OCCUPIED = "OCCUPIED"


@dataclass(frozen=True)
class BootData:
    """What a station says about itself in a BootNotification (OCPP 1.6 §4.2, 2.0.1 B01)."""

    ocpp_version: str = ""
    vendor: str = ""
    model: str = ""
    serial_number: str = ""
    firmware_version: str = ""
    iccid: str = ""
    imsi: str = ""
    meter_type: str = ""
    meter_serial_number: str = ""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            bounded(field.name, getattr(self, field.name))


@dataclass(frozen=True)
class Connector:
    """The last status a station reported for one connector of one EVSE.

    EVSE 0 / connector 0 stands for the whole charge point (1.6 connectorId 0).
    """

    evse_id: int
    connector_id: int
    status: ConnectorStatus
    status_at: datetime
    updated_at: datetime
    error_code: str = ""
    info: str = ""
    vendor_id: str = ""
    vendor_error_code: str = ""

    def supersedes(self, stored: Connector | None) -> bool:
        """Whether this report replaces ``stored``: yes, unless it is older.

        Stations queue StatusNotifications while offline and send them once they are
        back (OCPP 1.6 §4.9, 2.0.1 G01), so an old status may arrive after a newer one;
        it must not undo it. Of two reports with the same time, the later arrival wins.
        """
        return stored is None or self.status_at >= stored.status_at


@dataclass(frozen=True)
class ConnectorStatusReport:
    """A StatusNotification as the edge relays it; ``timestamp`` is None when it had none."""

    evse_id: int
    connector_id: int
    status: ConnectorStatus
    timestamp: datetime | None = None
    error_code: str = ""
    info: str = ""
    vendor_id: str = ""
    vendor_error_code: str = ""

    def __post_init__(self) -> None:
        if self.evse_id < 0:
            raise InvalidReport(f"evse_id must be 0 or more, got {self.evse_id}")
        if self.connector_id < 0:
            raise InvalidReport(f"connector_id must be 0 or more, got {self.connector_id}")
        for field in ("error_code", "info", "vendor_id", "vendor_error_code"):
            bounded(field, getattr(self, field))

    def connector(self, received_at: datetime) -> Connector:
        """The connector state it describes; a report without a time is dated on receipt."""
        return Connector(
            evse_id=self.evse_id,
            connector_id=self.connector_id,
            status=self.status,
            status_at=self.timestamp or received_at,
            updated_at=received_at,
            error_code=self.error_code,
            info=self.info,
            vendor_id=self.vendor_id,
            vendor_error_code=self.vendor_error_code,
        )


@dataclass(frozen=True)
class ChargePoint:
    id: ChargePointId
    registration_status: RegistrationStatus
    created_at: datetime
    updated_at: datetime
    boot: BootData = BootData()
    last_boot_at: datetime | None = None
    last_seen_at: datetime | None = None
    firmware_status: str = ""
    diagnostics_status: str = ""
    connectors: tuple[Connector, ...] = ()
    # OCPP 2.x admission (see chargepoint_svc.domain.base_report): a base report was asked for
    # and has not come complete yet; when the one owed came complete; when any report last
    # came complete (what GetDeviceModel calls reported_at).
    base_report_owed: bool = False
    base_report_at: datetime | None = None
    reported_at: datetime | None = None

    @classmethod
    def register(
        cls, charge_point_id: ChargePointId, status: RegistrationStatus, at: datetime
    ) -> ChargePoint:
        return cls(id=charge_point_id, registration_status=status, created_at=at, updated_at=at)

    def booted(self, boot: BootData, at: datetime) -> ChargePoint:
        """After a BootNotification: the station's new boot data, booted and seen now."""
        return dataclasses.replace(self, boot=boot, last_boot_at=at, last_seen_at=at, updated_at=at)

    def seen(self, at: datetime) -> ChargePoint:
        return dataclasses.replace(self, last_seen_at=at, updated_at=at)

    def with_firmware_status(self, status: str, at: datetime) -> ChargePoint:
        return dataclasses.replace(self.seen(at), firmware_status=status)

    def with_diagnostics_status(self, status: str, at: datetime) -> ChargePoint:
        return dataclasses.replace(self.seen(at), diagnostics_status=status)

    def registered_as(self, status: RegistrationStatus, at: datetime) -> ChargePoint:
        """An operator's decision on the registration (Accepted, Pending, Rejected)."""
        return dataclasses.replace(self, registration_status=status, updated_at=at)

    def owing_base_report(self) -> ChargePoint:
        return dataclasses.replace(self, base_report_owed=True)

    def report_completed(self, at: datetime, *, admit: bool) -> ChargePoint:
        """After the last part of a report (OCPP 2.0.1 B07: ``tbc`` false): a base
        report it owed is now held, and ``admit`` makes the station Accepted."""
        return dataclasses.replace(
            self.seen(at),
            reported_at=at,
            base_report_owed=False,
            base_report_at=at if self.base_report_owed else self.base_report_at,
            registration_status=RegistrationStatus.ACCEPTED if admit else self.registration_status,
        )

    def connector(self, evse_id: int, connector_id: int) -> Connector | None:
        for candidate in self.connectors:
            if (candidate.evse_id, candidate.connector_id) == (evse_id, connector_id):
                return candidate
        return None


@dataclass(frozen=True)
class BootAnswer:
    """The BootNotification answer (OCPP 1.6 §4.2, 2.0.1 B01)."""

    status: RegistrationStatus
    current_time: datetime
    interval_seconds: int
    # OCPP 2.0.1 B07: ask the Pending station for its base report (see base_report.py).
    request_base_report: bool = False


@dataclass(frozen=True)
class ConnectionAdmission:
    """The answer to a WebSocket handshake; ``reason`` says what to do when refused."""

    admitted: bool
    registration_status: RegistrationStatus | None
    reason: str = ""


@dataclass(frozen=True)
class Admission:
    """How the CSMS treats charge points it has not registered, and the boot intervals."""

    policy: AdmissionPolicy
    heartbeat_interval: int
    boot_retry_interval: int
    base_report: BaseReportPolicy = BaseReportPolicy.NEVER

    def status_for_unknown(self) -> RegistrationStatus | None:
        """The status an unknown charge point is registered with; None: do not register it."""
        match self.policy:
            case AdmissionPolicy.OPEN:
                return RegistrationStatus.ACCEPTED
            case AdmissionPolicy.PENDING:
                return RegistrationStatus.PENDING
            case AdmissionPolicy.STRICT:
                return None

    def connection(
        self, charge_point_id: ChargePointId, stored: RegistrationStatus | None
    ) -> ConnectionAdmission:
        """May the charge point open a WebSocket (docs/design.md §3)? A registered one may,
        whatever its status: its BootNotification answer tells it Pending or Rejected
        (OCPP 1.6 §4.2, 2.0.1 B02/B03). An unknown one may when its boot would register
        it, that is under every policy but strict."""
        if stored is not None or self.status_for_unknown() is not None:
            return ConnectionAdmission(True, stored)
        return ConnectionAdmission(
            False,
            None,
            f"charge point {charge_point_id} is not registered and the admission policy is "
            "strict: register it first (POST /api/v1/charge-points)",
        )

    def boot_answer(
        self, status: RegistrationStatus, now: datetime, *, request_base_report: bool = False
    ) -> BootAnswer:
        """The interval is the heartbeat interval once Accepted; before that it is how long
        the station waits before it boots again (OCPP 1.6 §4.2, 2.0.1 B01/B02/B03)."""
        interval = (
            self.heartbeat_interval
            if status is RegistrationStatus.ACCEPTED
            else self.boot_retry_interval
        )
        return BootAnswer(
            status=status,
            current_time=now,
            interval_seconds=interval,
            request_base_report=request_base_report,
        )


class DataTransferStatus(enum.StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    UNKNOWN_MESSAGE_ID = "UNKNOWN_MESSAGE_ID"
    UNKNOWN_VENDOR_ID = "UNKNOWN_VENDOR_ID"


@dataclass(frozen=True)
class DataTransfer:
    """A vendor-specific DataTransfer a station sent, kept as received."""

    charge_point_id: ChargePointId
    vendor_id: str
    message_id: str
    data: str
    received_at: datetime

    def __post_init__(self) -> None:
        if not self.vendor_id:
            raise InvalidReport("vendor_id is required in a DataTransfer (OCPP 1.6 §4.3)")
        bounded("vendor_id", self.vendor_id)
        bounded("message_id", self.message_id)


@dataclass(frozen=True)
class DataTransferAnswer:
    status: DataTransferStatus
    data: str = ""


def answer_data_transfer(transfer: DataTransfer) -> DataTransferAnswer:
    """The answer to a station's DataTransfer.

    The CSMS has no vendor extensions yet, so no vendorId is known to it, and OCPP 1.6
    §4.3 (2.0.1 P02) says the answer for an unknown vendorId is UnknownVendorId. The
    message is still stored, so that operators can see what stations try to tell them.
    """
    del transfer  # every vendor is unknown until extensions are registered
    return DataTransferAnswer(DataTransferStatus.UNKNOWN_VENDOR_ID)
