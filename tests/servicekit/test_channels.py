from __future__ import annotations

import pytest

from servicekit.channels import channel_target

pytestmark = pytest.mark.unit


def test_one_address_is_its_own_target() -> None:
    assert channel_target("edge:50054") == "edge:50054"


def test_a_list_of_replicas_becomes_one_balanced_target() -> None:
    assert channel_target("127.0.0.1:1, 127.0.0.1:2") == "ipv4:127.0.0.1:1,127.0.0.1:2"
    assert channel_target("[::1]:1,[::1]:2") == "ipv6:[::1]:1,[::1]:2"
