"""Firmware progress as stations report it, per request: FirmwareStatusNotification
(OCPP 2.0.1 L01-L02, 1.6 §4.5 and the 1.6 security extension's
SignedFirmwareStatusNotification) for updates, and PublishFirmwareStatusNotification
(2.0.1 L03) for what a Local Controller publishes. Each notification is kept as a
:class:`FirmwareReport`; :func:`requests` folds them into one history per request id.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chargepoint_svc.domain.charge_point import ChargePointId
from chargepoint_svc.errors import InvalidReport

# FirmwareStatusEnumType and PublishFirmwareStatusEnumType words are at most 26
# characters; 50 leaves room for a later version's additions.
STATUS_MAX_LENGTH = 50
# PublishFirmwareStatusNotificationRequest.location items (OCPP 2.0.1 L03.FR.08): URIs of
# at most 512 characters. The schema sets no item count; a Local Controller offers a few
# (e.g. HTTP, HTTPS, FTP), so more than this is refused rather than kept.
LOCATION_MAX_LENGTH = 512
LOCATIONS_MAX = 10


class FirmwareKind(enum.StrEnum):
    """What the notification reports on: a firmware update of the station itself, or a
    firmware the station (a Local Controller) publishes to others."""

    UPDATE = "UPDATE"
    PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class FirmwareReport:
    """One status notification. ``request_id`` 0: the station named no request (OCPP 1.6
    UpdateFirmware has none; 2.0.1 L01.FR.20 Idle notifications carry none).
    ``sequence`` is given by storage, in order of arrival; 0 before it is stored."""

    charge_point_id: ChargePointId
    kind: FirmwareKind
    request_id: int
    status: str
    received_at: datetime
    locations: tuple[str, ...] = ()
    sequence: int = 0

    def __post_init__(self) -> None:
        if not self.status:
            raise InvalidReport("status is required, e.g. 'Downloading' or 'Installed'")
        if len(self.status) > STATUS_MAX_LENGTH:
            raise InvalidReport(
                f"status is {len(self.status)} characters long; at most {STATUS_MAX_LENGTH}"
            )
        if self.request_id < 0:
            raise InvalidReport(f"request_id must be 0 (none) or more, got {self.request_id}")
        if len(self.locations) > LOCATIONS_MAX:
            raise InvalidReport(
                f"{len(self.locations)} locations; at most {LOCATIONS_MAX} are kept per report"
            )
        for location in self.locations:
            if len(location) > LOCATION_MAX_LENGTH:
                raise InvalidReport(
                    f"a location is {len(location)} characters long; "
                    f"OCPP allows at most {LOCATION_MAX_LENGTH}"
                )


@dataclass(frozen=True)
class FirmwareOrder:
    """What the CSMS asked a station (a signed update, or a publication) and its answer.
    The edge checked the request before sending it; this keeps it for operators."""

    charge_point_id: ChargePointId
    kind: FirmwareKind
    request_id: int
    location: str
    requested_at: datetime
    answer: str
    retrieve_at: datetime | None = None
    install_at: datetime | None = None
    signed: bool = False
    checksum: str = ""
    # A publication the station since answered Unpublished to (L04).
    unpublished_at: datetime | None = None


@dataclass(frozen=True)
class SignedUpdate:
    """A signed firmware update to send (OCPP 2.0.1 L01, 1.6 SignedUpdateFirmware); the
    edge checks every field against OCPP before it leaves. ``request_id`` 0: the edge
    allocates one."""

    charge_point_id: ChargePointId
    location: str
    retrieve_at: datetime | None
    install_at: datetime | None
    signing_certificate: str
    signature: str
    retries: int = 0
    retry_interval_seconds: int = 0
    request_id: int = 0

    def order(self, request_id: int, answer: str, now: datetime) -> FirmwareOrder:
        """What is kept of it (the certificate and signature are the image's, not news)."""
        return FirmwareOrder(
            self.charge_point_id,
            FirmwareKind.UPDATE,
            request_id,
            self.location,
            now,
            answer,
            retrieve_at=self.retrieve_at,
            install_at=self.install_at,
            signed=True,
        )


@dataclass(frozen=True)
class Publication:
    """Firmware a Local Controller is to publish (OCPP 2.0.1 L03)."""

    charge_point_id: ChargePointId
    location: str
    checksum: str
    retries: int = 0
    retry_interval_seconds: int = 0
    request_id: int = 0

    def order(self, request_id: int, answer: str, now: datetime) -> FirmwareOrder:
        return FirmwareOrder(
            self.charge_point_id,
            FirmwareKind.PUBLISH,
            request_id,
            self.location,
            now,
            answer,
            checksum=self.checksum,
        )


@dataclass(frozen=True)
class FirmwareStep:
    status: str
    received_at: datetime
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class FirmwareRequest:
    """The history of one request id, oldest step first, with what the CSMS asked when it
    sent the request (``order``). ``status`` is the latest step's (the station's answer
    while no step came), ``locations`` the latest non-empty ones (where a published
    firmware can be fetched)."""

    request_id: int
    steps: tuple[FirmwareStep, ...]
    order: FirmwareOrder | None = None

    def __post_init__(self) -> None:
        if not self.steps and self.order is None:
            raise ValueError("a firmware request has a step or an order")

    @property
    def status(self) -> str:
        if self.steps:
            return self.steps[-1].status
        assert self.order is not None
        return self.order.answer

    @property
    def updated_at(self) -> datetime:
        if self.steps:
            return self.steps[-1].received_at
        assert self.order is not None
        return self.order.requested_at

    @property
    def locations(self) -> tuple[str, ...]:
        for step in reversed(self.steps):
            if step.locations:
                return step.locations
        return ()


def requests(
    reports: Iterable[FirmwareReport], orders: Iterable[FirmwareOrder] = ()
) -> list[FirmwareRequest]:
    """One history per request id, of the reports and of the orders (a request the station
    has not reported on yet has no step), the most recently updated request first; each
    request's steps in order of arrival (``sequence``)."""
    grouped: dict[int, list[FirmwareReport]] = {}
    for report in sorted(reports, key=lambda report: report.sequence):
        grouped.setdefault(report.request_id, []).append(report)
    ordered = {order.request_id: order for order in orders}
    histories = [
        FirmwareRequest(
            request_id,
            tuple(
                FirmwareStep(r.status, r.received_at, r.locations)
                for r in grouped.get(request_id, [])
            ),
            ordered.get(request_id),
        )
        for request_id in grouped.keys() | ordered.keys()
    ]
    return sorted(histories, key=lambda h: (h.updated_at, h.request_id), reverse=True)
