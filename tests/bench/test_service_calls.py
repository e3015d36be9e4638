"""``python -m bench.service_calls`` runs against a real ``csms up`` and prints one line per
method and concurrency level (figures are never asserted: they depend on the machine)."""

from __future__ import annotations

import re

import pytest

from bench import service_calls

LINE = re.compile(
    r"^services (?P<method>\S+(?: Updated)?) +in flight +(?P<level>\d+): +[\d.]+ calls/s, "
    r"p50 +[\d.]+ ms, p99 +[\d.]+ ms, (?P<service>chargepoint|transaction) CPU +\d+ µs/call$"
)
METHODS = [
    ("RecordHeartbeat", "chargepoint"),
    ("RecordConnectorStatus", "chargepoint"),
    ("Stop+StartTransaction", "transaction"),
    ("RecordMeterValues", "transaction"),
    ("TransactionEvent Updated", "transaction"),
]


def test_one_line_per_method_and_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert service_calls.main(["--calls", "6", "--concurrency", "1,3"]) == 0
    found = []
    for line in capsys.readouterr().out.splitlines():
        match = LINE.match(line)
        assert match is not None, line
        found.append((match["method"], match["service"], int(match["level"])))
    assert found == [(method, service, level) for level in (1, 3) for method, service in METHODS]
