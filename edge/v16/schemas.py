"""Where the OCPP 1.6 JSON schemas the ``ocpp`` library ships are, and how they are named
(``Reset.json`` for the request, ``ResetResponse.json`` for the answer)."""

from __future__ import annotations

from pathlib import Path

import ocpp.v16

from edge.payload_schema import SchemaSet

SCHEMAS = SchemaSet(
    directory=Path(ocpp.v16.__file__).parent / "schemas",
    request_suffix="",
    answer_suffix="Response",
)
