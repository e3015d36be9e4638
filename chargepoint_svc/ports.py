"""What the use cases need from storage: repositories inside one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from chargepoint_svc.domain.charge_point import ChargePoint, ChargePointId, Connector
from chargepoint_svc.domain.device_model import ReportedVariable
from chargepoint_svc.domain.display_messages import DisplayMessage
from chargepoint_svc.domain.firmware import (
    FirmwareKind,
    FirmwareOrder,
    FirmwareReport,
    Publication,
    SignedUpdate,
)
from chargepoint_svc.domain.fleet import ChargePointFilter, FleetSummary
from chargepoint_svc.domain.journal import JournalEntry, JournalQuery
from chargepoint_svc.domain.monitors import Monitor, MonitorQuery
from chargepoint_svc.domain.registration import BootOutcome
from chargepoint_svc.domain.smart_charging import (
    ChargingLimit,
    HeldProfile,
    LibraryProfile,
    NeedsRecord,
)
from chargepoint_svc.domain.station_events import EventFilter, SecurityEvent, StationEvent
from chargepoint_svc.domain.station_requests import RequestKind, RequestReport, StationRequest
from csms.edge.v1 import monitoring_pb2
from servicekit import unit_of_work


class ChargePointRepository(Protocol):
    async def get(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        """The charge point with its connectors (ordered by EVSE, connector), or None."""
        ...

    async def lock(self, charge_point_id: ChargePointId) -> ChargePoint | None:
        """Like :meth:`get`, and hold the charge point against concurrent writers until
        the unit of work ends, so that a read-decide-write on it is not interleaved."""
        ...

    async def mark_seen(self, charge_point_id: ChargePointId, at: datetime) -> bool:
        """Set the stored charge point's last_seen_at and updated_at to ``at`` and hold it
        as :meth:`lock` does, in one statement; False, and nothing changed, when none is
        stored. The path of the messages that only say "still here" (Heartbeat)."""
        ...

    async def connector(
        self, charge_point_id: ChargePointId, evse_id: int, connector_id: int
    ) -> Connector | None:
        """The one stored connector, or None."""
        ...

    async def page(
        self, after: str | None, limit: int, where: ChargePointFilter | None = None
    ) -> list[ChargePoint]:
        """Up to ``limit`` charge points with ids greater than ``after`` that ``where``
        matches, ordered by id."""
        ...

    async def count(self, where: ChargePointFilter | None = None) -> int:
        """How many charge points ``where`` matches."""
        ...

    async def summary(self) -> FleetSummary:
        """The counts of the whole fleet, in a few aggregate queries."""
        ...

    async def add(self, charge_point: ChargePoint) -> bool:
        """Insert a new charge point (without connectors). False, and nothing changed,
        when one with that id exists already, even if another unit of work inserted it
        concurrently: that never fails with an integrity error."""
        ...

    async def update(self, charge_point: ChargePoint) -> None:
        """Store the charge point's own fields (not its connectors, not created_at)."""
        ...

    async def save_connector(self, charge_point_id: ChargePointId, connector: Connector) -> None:
        """Insert or replace the connector with the same EVSE and connector id."""
        ...

    async def delete_connectors_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` connectors of charge points that have more than ``keep``,
        the least recently updated first; how many were deleted."""
        ...


class DeviceModelRepository(Protocol):
    async def save(
        self,
        charge_point_id: ChargePointId,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
    ) -> None:
        """Insert each variable, or replace the stored one with the same key."""
        ...

    async def variables(self, charge_point_id: ChargePointId) -> list[ReportedVariable]:
        """Every stored variable of that charge point, ordered by key."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` variables of charge points that have more than ``keep``,
        the least recently reported first; how many were deleted."""
        ...


class SecurityEventRepository(Protocol):
    async def add(self, event: SecurityEvent) -> None: ...

    async def page(
        self, charge_point_id: ChargePointId, before: int | None, limit: int
    ) -> list[SecurityEvent]:
        """Up to ``limit`` events of that charge point with a sequence below ``before``
        (all when None), newest (highest sequence) first."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` events of charge points that have more than ``keep``,
        oldest first; how many were deleted."""
        ...


class StationEventRepository(Protocol):
    async def add(self, events: Sequence[StationEvent]) -> None: ...

    async def page(
        self,
        charge_point_id: ChargePointId,
        before: int | None,
        limit: int,
        where: EventFilter | None = None,
    ) -> list[StationEvent]:
        """As :meth:`SecurityEventRepository.page`, of the events ``where`` matches."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """As :meth:`SecurityEventRepository.delete_beyond`."""
        ...


class MonitorRepository(Protocol):
    async def save(self, monitors: Sequence[Monitor]) -> None:
        """Insert each monitor, or replace the stored one of its station with its id."""
        ...

    async def delete(self, charge_point_id: ChargePointId, ids: Sequence[int]) -> None:
        """Forget the station's monitors of these ids (those it has not are ignored)."""
        ...

    async def delete_not_in_report(self, charge_point_id: ChargePointId, request_id: int) -> None:
        """Forget the station's monitors that report ``request_id`` did not list."""
        ...

    async def severities(
        self, charge_point_id: ChargePointId, ids: Sequence[int]
    ) -> dict[int, int]:
        """The severity of each stored monitor of these ids; unknown ids are absent."""
        ...

    async def page(self, query: MonitorQuery) -> list[Monitor]:
        """Up to ``query.limit`` monitors that ``query`` matches, by id."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """Delete up to ``limit`` monitors of charge points that have more than ``keep``,
        the least recently updated first; how many were deleted."""
        ...


class MonitorStations(Protocol):
    """The stations' monitors, through the edge. The station's answer comes back as the
    edge gave it (the operator reads it unchanged), with what it means to the store."""

    async def set_monitors(
        self, request: monitoring_pb2.SetVariableMonitoringRequest, now: datetime
    ) -> tuple[monitoring_pb2.SetVariableMonitoringResponse, list[Monitor]]:
        """SetVariableMonitoring; the answer and the monitors the station accepted."""
        ...

    async def clear_monitors(
        self, request: monitoring_pb2.ClearVariableMonitoringRequest
    ) -> tuple[monitoring_pb2.ClearVariableMonitoringResponse, list[int]]:
        """ClearVariableMonitoring; the answer and the ids the station no longer has."""
        ...


class FirmwareReportRepository(Protocol):
    async def add(self, report: FirmwareReport) -> None: ...

    async def reports(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareReport]:
        """Every stored report of that kind of that charge point, in order of arrival (the
        purge bounds how many there are)."""
        ...

    async def delete_beyond(self, keep: int, limit: int) -> int:
        """As :meth:`SecurityEventRepository.delete_beyond`."""
        ...


class FirmwareOrderRepository(Protocol):
    async def save(self, order: FirmwareOrder) -> None:
        """Insert the order, or replace the one with the same charge point, kind and
        request id."""
        ...

    async def orders(
        self, charge_point_id: ChargePointId, kind: FirmwareKind
    ) -> list[FirmwareOrder]:
        """Every order of that kind sent to that charge point."""
        ...


class FirmwareStations(Protocol):
    """The firmware calls this service sends to charge points through the edge's
    EdgeService, each answered with the station's answer and the request id sent. Each
    raises the station errors of :mod:`servicekit.edge_errors` with the status the edge
    gave (a request the edge finds invalid: StationRequestInvalid, nothing sent)."""

    async def update_signed_firmware(self, update: SignedUpdate) -> tuple[str, int]: ...

    async def publish_firmware(self, publication: Publication) -> tuple[str, int]: ...

    async def unpublish_firmware(self, charge_point_id: str, checksum: str) -> str:
        """The station's answer: Unpublished, NoFirmware or DownloadOngoing."""
        ...


class JournalRepository(Protocol):
    async def add(self, entries: Sequence[JournalEntry]) -> None:
        """Insert the entries; storage numbers them in this order."""
        ...

    async def page(self, query: JournalQuery) -> list[JournalEntry]:
        """Up to ``query.limit`` matching entries, newest (``at``, then ``sequence``) first."""
        ...

    async def delete_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` entries older than ``cutoff``; how many were deleted."""
        ...

    async def delete_beyond(self, max_bytes: int, overhead: int, limit: int) -> int:
        """Delete up to ``limit`` entries of charge points whose entries weigh more than
        ``max_bytes`` (each: its payload's characters plus ``overhead``), oldest first,
        until each keeps its newest entries within it; how many were deleted."""
        ...


class StationRequestRepository(Protocol):
    async def highest_request_id(self, charge_point_id: ChargePointId) -> int | None:
        """The highest requestId of any kind the charge point was given; None before any."""
        ...

    async def add(self, request: StationRequest) -> None: ...

    async def save(self, request: StationRequest) -> None:
        """Store the request's answer, file name and error."""
        ...

    async def get(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> StationRequest | None: ...

    async def latest(
        self, charge_point_id: ChargePointId, kind: RequestKind
    ) -> StationRequest | None:
        """The request of that kind with the highest requestId."""
        ...

    async def page(
        self, charge_point_id: ChargePointId, kind: RequestKind, before: int | None, limit: int
    ) -> list[StationRequest]:
        """Up to ``limit`` requests with a requestId below ``before`` (all when None),
        newest (highest requestId) first."""
        ...

    async def add_report(
        self,
        charge_point_id: ChargePointId,
        kind: RequestKind,
        request_id: int,
        report: RequestReport,
    ) -> None: ...

    async def reports(
        self, charge_point_id: ChargePointId, kind: RequestKind, request_id: int
    ) -> list[RequestReport]:
        """Every report of the request, in order of arrival."""
        ...


class DisplayMessageRepository(Protocol):
    async def save(
        self, charge_point_id: ChargePointId, messages: Sequence[DisplayMessage]
    ) -> None:
        """Insert each message, or replace the stored one with the same id."""
        ...

    async def delete(self, charge_point_id: ChargePointId, message_id: int | None) -> None:
        """Forget the message with that id; every message of the station when None."""
        ...

    async def messages(self, charge_point_id: ChargePointId) -> list[DisplayMessage]:
        """Every stored message of the station, by id."""
        ...


class StationRequestCalls(Protocol):
    """The calls behind the station requests this service keeps (logs, customer
    information, display messages), through the edge. Each returns the station's answer
    as sent ("Accepted", ...) and raises the :mod:`servicekit.edge_errors` error when it
    could not get one."""

    async def get_log(self, request: StationRequest) -> tuple[str, str]:
        """GetLog (1.6 GetDiagnostics): the answer and the file name."""
        ...

    async def customer_information(self, request: StationRequest) -> str: ...

    async def set_display_message(
        self, charge_point_id: ChargePointId, message: DisplayMessage
    ) -> str: ...

    async def get_display_messages(self, request: StationRequest) -> str: ...

    async def clear_display_message(
        self, charge_point_id: ChargePointId, message_id: int
    ) -> str: ...


class SmartChargingRepository(Protocol):
    async def save_profiles(self, profiles: Sequence[HeldProfile]) -> None:
        """Insert each profile, or replace the stored one of the same station, EVSE and id."""
        ...

    async def profiles(self, charge_point_id: ChargePointId) -> list[HeldProfile]:
        """Every profile the station holds, ordered by EVSE then profile id."""
        ...

    async def delete_profiles(self, charge_point_id: ChargePointId, profile_id: int) -> None:
        """Forget the profile of that id on every EVSE of the station."""
        ...

    async def save_limit(self, limit: ChargingLimit) -> None:
        """Insert the limit, or replace the one of the same station, EVSE and source."""
        ...

    async def clear_limits(
        self, charge_point_id: ChargePointId, source: str, evse_id: int | None
    ) -> None:
        """Delete the limits of ``source`` on ``evse_id`` (None: on every EVSE)."""
        ...

    async def limits(self, charge_point_id: ChargePointId) -> list[ChargingLimit]:
        """Every limit in force, ordered by EVSE then source."""
        ...

    async def save_needs(self, needs: NeedsRecord) -> None:
        """Insert the record, or replace the one of the same station and EVSE."""
        ...

    async def needs(self, charge_point_id: ChargePointId) -> list[NeedsRecord]:
        """Every EVSE's last needs, ordered by EVSE."""
        ...

    async def add_library_profile(self, profile: LibraryProfile) -> bool:
        """Insert it; False, and nothing changed, when the name is taken."""
        ...

    async def library_profile(self, name: str) -> LibraryProfile | None: ...

    async def library_page(self, after: str | None, limit: int) -> list[LibraryProfile]:
        """Up to ``limit`` library profiles with names greater than ``after``, by name."""
        ...

    async def delete_library_profile(self, name: str) -> bool:
        """False when there was none of that name."""
        ...

    async def set_site_limit(
        self, charge_point_id: ChargePointId, max_power_w: float | None
    ) -> None:
        """Set the station's power limit; None removes it."""
        ...

    async def site_limit(self, charge_point_id: ChargePointId) -> float | None: ...


class StationProfiles(Protocol):
    """Sending a profile to a station, through the edge (ADR 0005)."""

    async def set_charging_profile(
        self, charge_point_id: str, evse_id: int, document: str, transaction_id: int
    ) -> str:
        """SetChargingProfile with the profile ``document`` (``transaction_id`` > 0: the
        CSMS transaction of a TxProfile); the station's answer: "ACCEPTED" or "REJECTED".
        The edge's errors (not connected, no answer, CALLERROR) propagate."""
        ...

    async def clear_charging_profile(self, charge_point_id: str, profile_id: int) -> str:
        """ClearChargingProfile of that profile id; "ACCEPTED" or "UNKNOWN"."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One atomic change: everything done through its repositories is stored by
    :meth:`commit`, or nothing is (leaving the ``async with`` block without a commit
    rolls back)."""

    @property
    def charge_points(self) -> ChargePointRepository: ...

    @property
    def device_models(self) -> DeviceModelRepository: ...

    @property
    def security_events(self) -> SecurityEventRepository: ...

    @property
    def station_events(self) -> StationEventRepository: ...

    @property
    def journal(self) -> JournalRepository: ...

    @property
    def monitors(self) -> MonitorRepository: ...

    @property
    def station_requests(self) -> StationRequestRepository: ...

    @property
    def display_messages(self) -> DisplayMessageRepository: ...

    @property
    def smart_charging(self) -> SmartChargingRepository: ...

    @property
    def firmware_reports(self) -> FirmwareReportRepository: ...

    @property
    def firmware_orders(self) -> FirmwareOrderRepository: ...


class Stations(Protocol):
    """The charge points themselves, through the edge (ADR 0005)."""

    async def trigger_boot(self, charge_point_id: str) -> BootOutcome:
        """TriggerMessage BootNotification: TRIGGERED when the station agreed,
        NOT_CONNECTED when it is not connected, NOT_TRIGGERED when it refused or did not
        answer in time."""
        ...
