"""docs/api.md lists every REST path of the API gateway, as the generated document does."""

from __future__ import annotations

import json

import pytest

from launcher import protogen
from launcher.openapi import path_table

pytestmark = pytest.mark.unit


def test_the_path_table_in_the_docs_is_current() -> None:
    protogen.ensure_generated()
    document = json.loads(protogen.OPENAPI_DOCUMENT.read_text())
    text = (protogen.REPO_ROOT / "docs" / "api.md").read_text()
    start, end = "<!-- paths:start -->\n", "\n<!-- paths:end -->"
    written = text[text.index(start) + len(start) : text.index(end)]
    assert written == path_table(document), (
        "docs/api.md is out of date: paste the output of launcher.openapi.path_table"
    )
