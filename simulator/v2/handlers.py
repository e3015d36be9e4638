"""Every CSMS-initiated call an OCPP 2.x station of this simulator answers."""

from __future__ import annotations

from simulator.v2.core import CoreHandlers
from simulator.v2.customers import CustomerHandlers
from simulator.v2.display import DisplayHandlers
from simulator.v2.firmware import FirmwareHandlers
from simulator.v2.management import ManagementHandlers
from simulator.v2.monitoring import MonitoringHandlers
from simulator.v2.network import NetworkHandlers
from simulator.v2.security import SecurityHandlers
from simulator.v2.smart_charging import SmartChargingHandlers
from simulator.v2.tariff import TariffHandlers
from simulator.v2.triggers import TriggerHandlers


class Handlers(
    CoreHandlers,
    ManagementHandlers,
    FirmwareHandlers,
    SecurityHandlers,
    TariffHandlers,
    TriggerHandlers,
    MonitoringHandlers,
    NetworkHandlers,
    CustomerHandlers,
    DisplayHandlers,
    SmartChargingHandlers,
):
    """One connection's station, without the library version it speaks: the concrete
    classes in :mod:`simulator.station_v201` and :mod:`simulator.station_v21` add it."""
