"""The microbenchmarks run and print one line per OCPP version and action (figures are
never asserted: they depend on the machine)."""

from __future__ import annotations

import re

import pytest

from bench import micro

pytestmark = pytest.mark.unit


LINE = re.compile(
    r"^micro (?P<version>\S+) +(?P<label>\S+) +validate +[\d.]+ us +translate +[\d.]+ us"
    r" +answer +[\d.]+ us +total +[\d.]+ us$"
)


def test_one_line_per_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert micro.main(["--iterations", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    found = []
    for line in lines:
        match = LINE.match(line)
        assert match is not None, line
        found.append((match["version"], match["label"]))
    assert found == [(case.version.name, case.label) for case in micro.cases()]
    actions = {version: {label.split("(")[0] for v, label in found if v == version}
               for version in ("1.6", "2.0.1")}  # fmt: skip
    assert actions["1.6"] == {
        "BootNotification", "Heartbeat", "StatusNotification", "Authorize",
        "StartTransaction", "MeterValues", "StopTransaction",
    }  # fmt: skip
    assert actions["2.0.1"] == {
        "BootNotification", "Heartbeat", "StatusNotification", "Authorize",
        "TransactionEvent", "MeterValues",
    }  # fmt: skip
