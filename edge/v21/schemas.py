"""Where the OCPP 2.1 JSON schemas the ``ocpp`` library ships are, and how they are named
(``ResetRequest.json`` for the request, ``ResetResponse.json`` for the answer)."""

from __future__ import annotations

from pathlib import Path

import ocpp.v21

from edge.payload_schema import SchemaSet

SCHEMAS = SchemaSet(
    directory=Path(ocpp.v21.__file__).parent / "schemas",
    request_suffix="Request",
    answer_suffix="Response",
)
