"""edge.source_addresses: connections and a shared message bucket per source address,
on a clock the test moves."""

from __future__ import annotations

import ipaddress
import re
from http import HTTPStatus

import pytest
from websockets.datastructures import Headers

from edge.rate_limit import MessageLimit, Verdict
from edge.source_addresses import SourceAddresses, source_address
from servicekit.address_settings import AddressSettings
from servicekit.security_settings import SettingsError
from tests.edge.support.clock import Clock

pytestmark = pytest.mark.unit


LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ([], "10.0.0.1"),
        (["203.0.113.5"], "203.0.113.5"),
        # A station's own entries come first; Envoy's, last, is the one that counts.
        (["198.51.100.9, 203.0.113.5"], "203.0.113.5"),
        (["198.51.100.9", "203.0.113.5"], "203.0.113.5"),
        ([" "], "10.0.0.1"),
    ],
)
def test_the_source_is_envoys_last_forwarded_entry(forwarded: list[str], expected: str) -> None:
    headers = Headers([("X-Forwarded-For", value) for value in forwarded])
    assert source_address(headers, "10.0.0.1") == expected


def test_connections_are_counted_per_address_and_released() -> None:
    addresses = SourceAddresses(AddressSettings(2, 0, LOOPBACK), station_burst=10)
    assert addresses.reserve("203.0.113.5") is None
    assert addresses.reserve("203.0.113.5") is None
    refusal = addresses.reserve("203.0.113.5")
    assert refusal is not None and refusal.status is HTTPStatus.TOO_MANY_REQUESTS
    assert "at most 2 per source address (CSMS_MAX_CONNECTIONS_PER_ADDRESS)" in refusal.reason
    assert addresses.reserve("198.51.100.9") is None  # another address
    assert all(addresses.reserve("127.0.0.1") is None for _ in range(5))  # exempt
    addresses.release("203.0.113.5")
    assert addresses.reserve("203.0.113.5") is None
    assert addresses.held("127.0.0.1") == 0


def test_the_stations_of_one_address_share_its_message_rate() -> None:
    clock = Clock()
    addresses = SourceAddresses(AddressSettings(0, 0.5, LOOPBACK), station_burst=3, clock=clock)
    for _ in range(2):
        addresses.reserve("203.0.113.5")
    limit = MessageLimit(rate=100, burst=100)
    first = limit.start(clock, addresses.bucket("203.0.113.5"))
    second = limit.start(clock, addresses.bucket("203.0.113.5"))
    # Burst: five seconds of 0.5/s, at least one station's burst of 3.
    assert [first.admit(), second.admit(), first.admit()] == [Verdict.ACCEPT] * 3
    assert second.admit() is Verdict.REFUSE
    assert "at most 0.5 messages/s from one source address" in second.refusal()
    clock.now += 2
    assert second.admit() is Verdict.ACCEPT
    assert addresses.bucket("127.0.0.1") is None
    assert SourceAddresses(AddressSettings(0, 0, ()), 3).bucket("203.0.113.5") is None


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"CSMS_MAX_CONNECTIONS_PER_ADDRESS": "-1"}, "0 (no limit) or more"),
        ({"CSMS_ADDRESS_MESSAGE_RATE": "fast"}, "is not a number"),
        ({"CSMS_ADDRESS_LIMIT_EXEMPT": "10.0.0.0/8, nope"}, "'nope' is not an IP network"),
    ],
)
def test_bad_settings_name_the_variable(variables: dict[str, str], words: str) -> None:
    defaults = {
        "CSMS_MAX_CONNECTIONS_PER_ADDRESS": "0",
        "CSMS_ADDRESS_MESSAGE_RATE": "0",
        "CSMS_ADDRESS_LIMIT_EXEMPT": "",
    }
    with pytest.raises(SettingsError, match=re.escape(words)):
        AddressSettings.from_env(lambda name: {**defaults, **variables}[name])
