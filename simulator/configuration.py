"""The station's configuration keys (OCPP 1.6 §9) and the rules for changing them (§5.3, §5.8)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ocpp.v16.enums import ConfigurationStatus, Measurand

FEATURE_PROFILES = (
    "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger"
)
MEASURANDS = frozenset(m.value for m in Measurand)


class Kind(Enum):
    """How a key's value is written; a change with another shape is Rejected (§5.3)."""

    INTEGER = "integer"
    BOOLEAN = "boolean"
    MEASURANDS = "comma-separated measurands"
    TEXT = "text"

    def accepts(self, value: str) -> bool:
        if self is Kind.INTEGER:
            return value.isdigit()
        if self is Kind.BOOLEAN:
            return value.lower() in ("true", "false")
        if self is Kind.MEASURANDS:
            return all(item.strip() in MEASURANDS for item in value.split(",") if item.strip())
        return True


@dataclass(frozen=True)
class KeyDefinition:
    name: str
    kind: Kind
    default: str
    readonly: bool = False
    # The station only applies the value after a reboot (§5.3 RebootRequired).
    reboot_required: bool = False


@dataclass(frozen=True)
class KeyValue:
    """One entry of GetConfiguration.conf's configurationKey (§6.25)."""

    key: str
    readonly: bool
    value: str


def definitions(connectors: int, sample_interval: str) -> tuple[KeyDefinition, ...]:
    """The keys this station knows, from the Core, Local Auth List, Reservation and Smart
    Charging profiles of §9. ``sample_interval`` is the CLI's ``--interval``, which may be
    below one second so that tests and demos run fast."""
    integer, boolean = Kind.INTEGER, Kind.BOOLEAN
    return (
        KeyDefinition("AuthorizeRemoteTxRequests", boolean, "false"),
        KeyDefinition("ClockAlignedDataInterval", integer, "0"),
        KeyDefinition("ConnectionTimeOut", integer, "60"),
        KeyDefinition("GetConfigurationMaxKeys", integer, "50", readonly=True),
        KeyDefinition("HeartbeatInterval", integer, "300"),
        KeyDefinition("LocalAuthorizeOffline", boolean, "true"),
        KeyDefinition("LocalPreAuthorize", boolean, "false"),
        KeyDefinition("MeterValuesAlignedData", Kind.MEASURANDS, "Energy.Active.Import.Register"),
        KeyDefinition(
            "MeterValuesSampledData",
            Kind.MEASURANDS,
            "Energy.Active.Import.Register,Power.Active.Import",
        ),
        KeyDefinition("MeterValueSampleInterval", integer, sample_interval),
        KeyDefinition("NumberOfConnectors", integer, str(connectors), readonly=True),
        KeyDefinition("ResetRetries", integer, "1"),
        KeyDefinition("StopTransactionOnInvalidId", boolean, "true"),
        KeyDefinition("SupportedFeatureProfiles", Kind.TEXT, FEATURE_PROFILES, readonly=True),
        KeyDefinition("TransactionMessageAttempts", integer, "3"),
        KeyDefinition("TransactionMessageRetryInterval", integer, "60"),
        KeyDefinition("UnlockConnectorOnEVSideDisconnect", boolean, "true"),
        KeyDefinition("WebSocketPingInterval", integer, "20", reboot_required=True),
        KeyDefinition("LocalAuthListEnabled", boolean, "true"),
        KeyDefinition("LocalAuthListMaxLength", integer, "100", readonly=True),
        KeyDefinition("SendLocalListMaxLength", integer, "20", readonly=True),
        KeyDefinition("ReserveConnectorZeroSupported", boolean, "false", readonly=True),
        KeyDefinition("ChargeProfileMaxStackLevel", integer, "8", readonly=True),
        KeyDefinition(
            "ChargingScheduleAllowedChargingRateUnit", Kind.TEXT, "Current,Power", readonly=True
        ),
        KeyDefinition("ChargingScheduleMaxPeriods", integer, "24", readonly=True),
        KeyDefinition("MaxChargingProfilesInstalled", integer, "10", readonly=True),
    )


class Configuration:
    """The station's current values; they survive a reset like a real station's settings."""

    def __init__(self, keys: tuple[KeyDefinition, ...]) -> None:
        self._definitions = {key.name: key for key in keys}
        self._values = {key.name: key.default for key in keys}

    def get(self, keys: list[str] | None) -> tuple[list[KeyValue], list[str]]:
        """GetConfiguration (§5.8): every key when none are named, else the known ones and the
        names it does not know."""
        names = keys or list(self._values)
        known = [
            KeyValue(name, self._definitions[name].readonly, self._values[name])
            for name in names
            if name in self._definitions
        ]
        return known, [name for name in names if name not in self._definitions]

    def change(self, key: str, value: str) -> ConfigurationStatus:
        """ChangeConfiguration (§5.3): NotSupported for an unknown key, Rejected for a
        read-only key or a value of the wrong shape, RebootRequired when it only takes
        effect after a reboot; otherwise the value applies now."""
        definition = self._definitions.get(key)
        if definition is None:
            return ConfigurationStatus.not_supported
        if definition.readonly or not definition.kind.accepts(value):
            return ConfigurationStatus.rejected
        self._values[key] = value
        if definition.reboot_required:
            return ConfigurationStatus.reboot_required
        return ConfigurationStatus.accepted

    def set(self, key: str, value: str) -> None:
        """A value the station itself adopts, such as the heartbeat interval a
        BootNotification.conf gives (§4.2)."""
        self._values[key] = value

    def text(self, key: str) -> str:
        return self._values[key]

    def number(self, key: str) -> float:
        return float(self._values[key])

    def flag(self, key: str) -> bool:
        return self._values[key].lower() == "true"
