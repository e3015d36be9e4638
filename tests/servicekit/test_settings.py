from __future__ import annotations

from pathlib import Path

import pytest

from servicekit.settings import VARIABLES, AdmissionPolicy, Settings, SettingsError


def test_defaults_are_the_embedded_ones(tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    assert settings.ocpp_port == 4000
    assert settings.chargepoint_api_port == 4001
    assert settings.api_gateway_port == 3000
    assert settings.admission_policy is AdmissionPolicy.OPEN
    assert settings.chargepoint_database_url == f"sqlite+aiosqlite:///{tmp_path}/chargepoint.db"
    assert settings.auth_database_url.endswith("/auth.db")
    assert settings.chargepoint_address == "127.0.0.1:50051"
    assert settings.edge_ws_address == "127.0.0.1:4010"


def test_addresses_follow_ports_and_hosts_unless_given() -> None:
    settings = Settings.from_env(
        {
            "CSMS_INTERNAL_HOST": "10.1.2.3",
            "CSMS_AUTH_GRPC_PORT": "6000",
            "CSMS_TRANSACTION_ADDRESS": "transaction:50052",
        }
    )
    assert settings.auth_address == "10.1.2.3:6000"
    assert settings.transaction_address == "transaction:50052"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CSMS_OCPP_PORT", "forty", "CSMS_OCPP_PORT='forty' is not a whole number"),
        ("CSMS_OCPP_PORT", "70000", "CSMS_OCPP_PORT=70000 is not a TCP port"),
        ("CSMS_ADMISSION_POLICY", "maybe", "is not one of: open, pending, strict"),
        ("CSMS_GRPC_TIMEOUT", "soon", "CSMS_GRPC_TIMEOUT='soon' is not a number"),
        ("CSMS_GRPC_TIMEOUT", "0", "must be greater than zero"),
        ("CSMS_HEARTBEAT_INTERVAL", "-5", "CSMS_HEARTBEAT_INTERVAL=-5 must be greater than zero"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not DEBUG, INFO, WARNING or ERROR"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({variable: value})


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in VARIABLES if f"`{name}`" not in readme]
    assert missing == []
