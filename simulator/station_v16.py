"""The simulated OCPP 1.6J charge point: every CSMS-initiated call of the Core,
FirmwareManagement, LocalAuthListManagement, Reservation, SmartCharging and RemoteTrigger
profiles is answered from the station's state, and followed by what a real station does.

The charging session the station runs first is :mod:`simulator.session_v16`.
"""

from __future__ import annotations

from simulator.core_v16 import CoreHandlers
from simulator.firmware_v16 import FirmwareHandlers
from simulator.management_v16 import ManagementHandlers


class StationV16(CoreHandlers, FirmwareHandlers, ManagementHandlers):
    """One connection's charge point; its :class:`~simulator.state.StationState` outlives
    the connection."""
