"""Every CSMS-initiated call an OCPP 2.x station of this simulator answers."""

from __future__ import annotations

from simulator.v2.core import CoreHandlers
from simulator.v2.firmware import FirmwareHandlers
from simulator.v2.management import ManagementHandlers
from simulator.v2.security import SecurityHandlers


class Handlers(CoreHandlers, ManagementHandlers, FirmwareHandlers, SecurityHandlers):
    """One connection's station, without the library version it speaks: the concrete
    classes in :mod:`simulator.station_v201` and :mod:`simulator.station_v21` add it."""
