"""docs/ocpp-actions.md is the status of every OCPP 2.0.1 action, and it is true: each
action of the specification is listed once; each one a station sends has a handler in the
2.0.1 session (none is answered NotImplemented); each one the CSMS sends names the typed
REST operation that sends it, and the API gateway has that method and path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ocpp.v201.enums import Action

from edge.v21.session import SessionV21
from edge.v201.session import SessionV201
from launcher import protogen

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "ocpp-actions.md"
ROW = re.compile(r"^\| (?P<action>[A-Za-z0-9]+) \| (?P<sender>station|CSMS|both) \| (?P<rest>.*)$")
OPERATION = re.compile(r"`(?P<method>GET|POST|PUT|PATCH|DELETE) (?P<path>/api/v1/[^`?]+)")


def _rows(section: str) -> dict[str, tuple[str, str]]:
    text = DOCUMENT.read_text()
    start = text.index(f"## {section}\n")
    following = text.find("\n## ", start + 1)
    rows: dict[str, tuple[str, str]] = {}
    for line in text[start : following if following != -1 else None].splitlines():
        match = ROW.match(line)
        if match:
            assert match["action"] not in rows, f"{match['action']} is listed twice"
            rows[match["action"]] = (match["sender"], match["rest"])
    return rows


def _gateway_operations() -> set[tuple[str, str]]:
    protogen.ensure_generated()
    document = json.loads(protogen.OPENAPI_DOCUMENT.read_text())
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_every_2_0_1_action_is_listed_once() -> None:
    assert set(_rows("OCPP 2.0.1")) == {action.value for action in Action}


@pytest.mark.parametrize("session", [SessionV201, SessionV21])
def test_every_action_a_station_sends_has_a_handler(session: type[SessionV201]) -> None:
    sent_by_stations = [
        a for a, (sender, _) in _rows("OCPP 2.0.1").items() if sender in {"station", "both"}
    ]
    assert sent_by_stations
    missing = [action for action in sent_by_stations if action not in session.handlers]
    assert not missing, f"answered NotImplemented by {session.__name__}: {missing}"


def test_every_action_the_csms_sends_names_an_operation_the_gateway_has() -> None:
    operations = _gateway_operations()
    for action, (sender, rest) in _rows("OCPP 2.0.1").items():
        if sender not in {"CSMS", "both"}:
            continue
        named = [(m["method"], m["path"]) for m in OPERATION.finditer(rest)]
        assert named, f"{action}: no typed operation named"
        for method, path in named:
            assert (method, path) in operations, f"{action}: {method} {path} is not in the API"
