"""Where the OCPP 2.0.1 JSON schemas the ``ocpp`` library ships are, and how they are named
(``ResetRequest.json`` for the request, ``ResetResponse.json`` for the answer)."""

from __future__ import annotations

from pathlib import Path

import ocpp.v201

from edge.payload_schema import SchemaSet

SCHEMAS = SchemaSet(
    directory=Path(ocpp.v201.__file__).parent / "schemas",
    request_suffix="Request",
    answer_suffix="Response",
)
