from __future__ import annotations

from pathlib import Path

import pytest

from servicekit.charge_point_policy import AdmissionPolicy
from servicekit.settings import VARIABLES, Settings, SettingsError


def test_defaults_are_the_embedded_ones(tmp_path: Path) -> None:
    settings = Settings.from_env({"CSMS_DATA_DIR": str(tmp_path)})
    assert settings.network.ocpp_port == 4000
    assert settings.network.chargepoint_api_port == 4001
    assert settings.network.api_gateway_port == 3000
    assert settings.charge_points.admission_policy is AdmissionPolicy.OPEN
    assert (
        settings.storage.chargepoint_database_url
        == f"sqlite+aiosqlite:///{tmp_path}/chargepoint.db"
    )
    assert settings.storage.auth_database_url.endswith("/auth.db")
    assert settings.network.chargepoint_address == "127.0.0.1:50051"
    assert settings.network.edge_ws_address == "127.0.0.1:4010"


def test_addresses_follow_ports_and_hosts_unless_given() -> None:
    settings = Settings.from_env(
        {
            "CSMS_INTERNAL_HOST": "10.1.2.3",
            "CSMS_AUTH_GRPC_PORT": "6000",
            "CSMS_TRANSACTION_ADDRESS": "transaction:50052",
        }
    )
    assert settings.network.auth_address == "10.1.2.3:6000"
    assert settings.network.transaction_address == "transaction:50052"


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
        ("CSMS_EDGE_REPLICAS", "3", "CSMS_EDGE_REPLICAS=3 needs CSMS_REDIS_URL"),
        ("CSMS_EDGE_REPLICAS", "0", "CSMS_EDGE_REPLICAS=0 must be greater than zero"),
        ("CSMS_REDIS_URL", "localhost:6379", "is not a redis://, rediss:// or unix:// URL"),
        ("CSMS_EDGE_LEASE", "0.5", "CSMS_EDGE_LEASE=0.5 must be at least 1"),
        ("CSMS_EDGE_ADDRESS", "edge-1:1,edge-2:1", "a list of replicas must give IP addresses"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({variable: value})


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in VARIABLES if f"`{name}`" not in readme]
    assert missing == []


def test_replicas_get_consecutive_ports_and_share_one_database_url() -> None:
    settings = Settings.from_env(
        {
            "CSMS_EDGE_REPLICAS": "3",
            "CSMS_REDIS_URL": "redis://127.0.0.1:6379/0",
            "CSMS_EDGE_GRPC_PORT": "7000",
            "CSMS_EDGE_WS_PORT": "7100",
            "CSMS_DATABASE_URL": "postgresql+asyncpg://csms@db/csms",
            "CSMS_AUTH_DATABASE_URL": "postgresql+asyncpg://auth@db/auth",
        }
    )
    assert settings.network.edge_addresses == ["127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"]
    assert settings.network.edge_ws_addresses == [
        "127.0.0.1:7100",
        "127.0.0.1:7101",
        "127.0.0.1:7102",
    ]
    assert settings.storage.chargepoint_database_url == "postgresql+asyncpg://csms@db/csms"
    assert settings.storage.transaction_database_url == "postgresql+asyncpg://csms@db/csms"
    assert settings.storage.auth_database_url == "postgresql+asyncpg://auth@db/auth"


def test_a_given_list_of_edge_addresses_is_kept_and_one_host_name_is_allowed() -> None:
    listed = Settings.from_env({"CSMS_EDGE_ADDRESS": "10.0.0.1:50054, 10.0.0.2:50054"})
    assert listed.network.edge_addresses == ["10.0.0.1:50054", "10.0.0.2:50054"]
    named = Settings.from_env({"CSMS_EDGE_ADDRESS": "edge:50054"})
    assert named.network.edge_addresses == ["edge:50054"]


# Values one of which every variable accepts and that differ from its default.
OTHER_VALUES = ["7", "2", "0", "70000", "10.9.8.7", "10.9.8.7:1234", "/tmp/elsewhere"]
OTHER_VALUES += ["10.0.0.0/8", "strict", "never", "json", "off", "jwt", "ERROR"]
OTHER_VALUES += ["redis://10.9.8.7/0", "http://10.9.8.7/ocsp"]


@pytest.mark.parametrize("variable", list(VARIABLES))
def test_every_variable_is_read_into_some_part(variable: str) -> None:
    """Grouping the settings by consumer dropped no variable: each changes some part."""
    base = {"CSMS_REDIS_URL": "redis://127.0.0.1/0"}  # so CSMS_EDGE_REPLICAS may exceed 1
    default = Settings.from_env(base)
    for value in OTHER_VALUES:
        try:
            changed = Settings.from_env({**base, variable: value})
        except SettingsError:
            continue
        if changed != default:
            return
    pytest.fail(f"no value of {variable} changes the settings")
