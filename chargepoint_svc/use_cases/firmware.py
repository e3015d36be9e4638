"""The operations on firmware (issue 13): sending signed updates and publications and
keeping what was asked, what a Local Controller reports of the firmware it publishes, and
the per-request histories operators read. Firmware update notifications are recorded with
the charge point's latest status
(:meth:`chargepoint_svc.use_cases.charge_points.ChargePointUseCases.record_firmware_status`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from chargepoint_svc.domain.charge_point import Admission, ChargePointId, parse_charge_point_id
from chargepoint_svc.domain.firmware import (
    FirmwareKind,
    FirmwareOrder,
    FirmwareReport,
    FirmwareRequest,
    Publication,
    SignedUpdate,
    requests,
)
from chargepoint_svc.errors import ChargePointNotFound
from chargepoint_svc.ports import FirmwareStations, UnitOfWork
from chargepoint_svc.use_cases.charge_points import registered
from servicekit.clock import Clock

# UnpublishFirmwareStatusEnumType: the station no longer serves the firmware.
UNPUBLISHED = "Unpublished"


class FirmwareUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        admission: Admission,
        stations: FirmwareStations,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._admission = admission
        self._stations = stations

    async def update_signed(self, update: SignedUpdate) -> FirmwareOrder:
        """Send the update (the edge checks it first) and keep it with the station's
        answer. Nothing is kept when it was not sent or not answered: the error says so."""
        answer, request_id = await self._stations.update_signed_firmware(update)
        return await self._keep(update.order(request_id, answer, self._clock.now()))

    async def publish(self, publication: Publication) -> FirmwareOrder:
        """Send PublishFirmware and keep it with the station's answer."""
        answer, request_id = await self._stations.publish_firmware(publication)
        return await self._keep(publication.order(request_id, answer, self._clock.now()))

    async def unpublish(self, charge_point_id: str, checksum: str) -> str:
        """Send UnpublishFirmware; when the station answers Unpublished (L04.FR.04), the
        publications of that checksum are marked unpublished now. The station's answer."""
        cp_id = parse_charge_point_id(charge_point_id)
        answer = await self._stations.unpublish_firmware(cp_id, checksum)
        if answer != UNPUBLISHED:
            return answer
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            for order in await uow.firmware_orders.orders(cp_id, FirmwareKind.PUBLISH):
                if order.checksum.lower() == checksum.lower() and order.unpublished_at is None:
                    await uow.firmware_orders.save(replace(order, unpublished_at=now))
            await uow.commit()
        return answer

    async def _keep(self, order: FirmwareOrder) -> FirmwareOrder:
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(order.charge_point_id) is None:
                # Connected, so admitted, yet not stored: it never sent a message that
                # registers it. Nothing to attach the request to.
                raise ChargePointNotFound(order.charge_point_id)
            await uow.firmware_orders.save(order)
            await uow.commit()
        return order

    async def record_publish_status(
        self, charge_point_id: str, status: str, request_id: int, locations: Sequence[str]
    ) -> None:
        """A PublishFirmwareStatusNotification (OCPP 2.0.1 L03.FR.08: the locations come
        with Published)."""
        cp_id = parse_charge_point_id(charge_point_id)
        now = self._clock.now()
        report = FirmwareReport(
            cp_id, FirmwareKind.PUBLISH, request_id, status, now, tuple(locations)
        )
        async with self._unit_of_work() as uow:
            stored = await registered(uow, cp_id, now, self._admission)
            await uow.charge_points.update(stored.seen(now))
            await uow.firmware_reports.add(report)
            await uow.commit()

    async def list_requests(
        self, charge_point_id: str, kind: FirmwareKind, request_id: int = 0
    ) -> list[FirmwareRequest]:
        """The histories of that kind, the most recently updated first; only
        ``request_id``'s when it is not 0."""
        cp_id = ChargePointId(charge_point_id)
        async with self._unit_of_work() as uow:
            if await uow.charge_points.get(cp_id) is None:
                raise ChargePointNotFound(charge_point_id)
            reports = await uow.firmware_reports.reports(cp_id, kind)
            orders = await uow.firmware_orders.orders(cp_id, kind)
        histories = requests(reports, orders)
        if request_id:
            return [history for history in histories if history.request_id == request_id]
        return histories
