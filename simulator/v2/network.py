"""OCPP 2.x network connection profiles (B09, B10) and the security profile a station
connects with (A00, A05): SetNetworkProfile stores a profile in its slot, and each new
connection uses the first slot of OCPPCommCtrlr.NetworkConfigurationPriority that holds
one; with none (or an empty priority) the station connects as it was started. Basic auth
(profiles 1 and 2) uses SecurityCtrlr.BasicAuthPassword, which the CSMS sets (A01)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from simulator.connection import Link
from simulator.station import on
from simulator.v2.device_model import VariableKey
from simulator.v2.state import StationState
from simulator.v2.station import StationV2

PRIORITY = VariableKey("OCPPCommCtrlr", "NetworkConfigurationPriority")
PASSWORD = VariableKey("SecurityCtrlr", "BasicAuthPassword")
PROFILE = VariableKey("SecurityCtrlr", "SecurityProfile")
# The slots this station has (configurationSlot): a real station has a few.
SLOTS = range(1, 4)


def priority(state: StationState) -> list[int]:
    text = state.device_model.value_of(PRIORITY)
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def active_link(state: StationState, started: Link) -> Link:
    """Where the next connection goes: the first prioritised slot holding a profile, its
    URL with Basic auth (username: the station's identity) for profiles 1 and 2; else
    ``started``. The security profile used becomes SecurityCtrlr.SecurityProfile."""
    for slot in priority(state):
        profile = state.network_profiles.get(slot)
        if profile is None:
            continue
        url = profile["ocpp_csms_url"]
        security = int(profile["security_profile"])
        password = state.device_model.value_of(PASSWORD)
        if security in (1, 2) and password:
            parts = urlsplit(url)
            credentials = f"{quote(started.charge_point_id, safe='')}:{quote(password, safe='')}"
            url = urlunsplit(parts._replace(netloc=f"{credentials}@{parts.netloc}"))
        state.device_model.adopt(PROFILE, str(security))
        return replace(started, url=url)
    return started


class NetworkHandlers(StationV2):
    @on("SetNetworkProfile")
    def on_set_network_profile(self, **payload: Any) -> Any:
        """B09: Accepted and stored in its slot; Rejected for a slot this station does not
        have, a security profile lower than the one it uses (A00: never lowered), or
        profile 3, for which it has no certificate of its own."""
        slot = payload["configuration_slot"]
        data = payload["connection_data"]
        current = int(self.state.device_model.value_of(PROFILE))
        security = int(data["security_profile"])
        if slot not in SLOTS or security < current or security == 3:
            status = "Rejected"
        else:
            self.state.network_profiles[slot] = data
            status = "Accepted"
        answer = self.results.SetNetworkProfile(status=status)
        shown = {"configuration_slot": slot, "security_profile": security}
        return self.heard("SetNetworkProfile", shown, answer, status)
