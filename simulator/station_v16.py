"""The simulated OCPP 1.6J charge point: every CSMS-initiated call of the Core,
FirmwareManagement, LocalAuthListManagement, Reservation, SmartCharging and RemoteTrigger
profiles, and the certificate management of the security extension, is answered from the
station's state, and followed by what a real station does.

The charging session the station runs first is :mod:`simulator.session_v16`.
"""

from __future__ import annotations

from simulator.core_v16 import CoreHandlers
from simulator.management_v16 import ManagementHandlers
from simulator.security_v16 import SecurityHandlers


class StationV16(CoreHandlers, SecurityHandlers, ManagementHandlers):
    """One connection's charge point; its :class:`~simulator.state.StationState` outlives
    the connection."""
