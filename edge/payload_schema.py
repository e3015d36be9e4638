"""The JSON schemas of one OCPP version's payloads, as the ``ocpp`` library ships them, and
the checks the edge makes with them on the calls it sends and the answers it receives.

The edge checks both directions itself (rather than through the library's
``validate_payload``) for two reasons: a violation must name the field it is about
(``csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit: 7.35 is not a
multiple of 0.1``), and the library caches its validators by action only, although it
builds some with a decimal float parser and some without (OCPP 1.6 ``multipleOf: 0.1``
cannot be checked on binary floats), so sharing its cache would mix the two.

Here every schema is read with ``Decimal`` floats and every payload is checked as
``Decimal`` too, so ``21.4`` is a multiple of ``0.1`` as a person would expect.
A schema file is read and parsed once per process (:func:`_read`) and its ``jsonschema``
validator built once: with many operator requests in flight (benchmark S5) reading them
for every request took about a tenth of the edge's CPU. Nobody changes a parsed schema.

Messages from stations are another matter: every CALL and every answer to one is checked,
and ``jsonschema`` spends 40-450 us on one (``python -m bench.micro``).
:class:`CompiledSchemas` checks them first with a compiled validator (``jsonschema_rs``,
about 1-2 us on the same official schemas) and asks :func:`edge.framing.payload_violation`
only about a payload that fails, so a violation is still classified and described exactly
as before. The ``ocpp`` library's own validation (``jsonschema`` in the default thread
pool) is not used on this path: the edge answers CALLs itself (:mod:`edge.inbound_calls`)
and sends its own CALLs without the library (:mod:`edge.outbound_calls`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from jsonschema import exceptions as schema_errors
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult, get_validator

from edge import framing
from edge.ocpp_version import OcppVersion

_DECIMAL_REPR = re.compile(r"Decimal\('([^']*)'\)")


@dataclass(frozen=True)
class SchemaSet:
    """Where one OCPP version's schemas are and how their files are named: OCPP 1.6 names
    a request schema after its action (``Reset.json``), OCPP 2.x adds ``Request``."""

    directory: Path
    request_suffix: str
    answer_suffix: str

    def load(self, action: str, *, answer: bool) -> dict[str, Any]:
        """The parsed schema (shared: not to be changed)."""
        return _read(self._path(action, answer=answer)).schema  # type: ignore[no-any-return]

    def validator(self, action: str, *, answer: bool) -> Any:
        """The ``jsonschema`` draft-4 validator of the schema (shared)."""
        return _read(self._path(action, answer=answer))

    def _path(self, action: str, *, answer: bool) -> Path:
        suffix = self.answer_suffix if answer else self.request_suffix
        return self.directory / f"{action}{suffix}.json"


@functools.cache
def _read(path: Path) -> Any:
    """The draft-4 validator of the schema in ``path`` (``.schema`` is the schema), with
    ``Decimal`` floats; read once per process."""
    return Draft4Validator(json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal))


@dataclass(frozen=True)
class Violation:
    """Where a payload breaks its schema (``path``, empty for the payload itself) and how."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


def violation(
    schemas: SchemaSet, action: str, payload: Mapping[str, Any], *, answer: bool
) -> Violation | None:
    """The most relevant schema violation of ``payload`` (camelCase keys), or None."""
    validator = schemas.validator(action, answer=answer)
    document = json.loads(json.dumps(payload, default=_decimal_as_float), parse_float=Decimal)
    error = schema_errors.best_match(validator.iter_errors(document))
    if error is None:
        return None
    return Violation(_path(error), _DECIMAL_REPR.sub(r"\1", error.message))


class CompiledSchemas:
    """The message path's schema check: compiled validators of the ``ocpp`` library's
    schemas (the ones :func:`edge.framing.payload_violation` reads), built on first use
    per version, message type and action and kept for the life of the owner.

    A payload the compiled validator accepts, with every integer within OCPP's 32-bit
    range, is valid; any other goes to :func:`edge.framing.payload_violation`, which
    decides (and classifies, and names the field). So the fast path can only skip work,
    never change an answer: the two agree on valid payloads because both apply the same
    draft-4 schema, formats unchecked (``jsonschema`` checks no format without a format
    checker), and ``integer`` excludes ``1.0`` in draft 4 in both.
    """

    def __init__(self) -> None:
        self._validators: dict[tuple[str, int, str], jsonschema_rs.Validator] = {}

    def violation(
        self, message: Call | CallResult, action: str, version: OcppVersion
    ) -> OCPPError | None:
        """The payload's schema violation as :func:`edge.framing.payload_violation`
        gives it, or None; fast when there is none."""
        if _within_int32(message.payload) and self._valid(message, action, version):
            return None
        return framing.payload_violation(message, action, version)

    def _valid(self, message: Call | CallResult, action: str, version: OcppVersion) -> bool:
        key = (version.name, message.message_type_id, action)
        validator = self._validators.get(key)
        if validator is None:
            schema = get_validator(message.message_type_id, action, version.name).schema
            validator = jsonschema_rs.Draft4Validator(schema, validate_formats=False)
            self._validators[key] = validator
        try:
            return bool(validator.is_valid(message.payload))
        except ValueError:
            return False  # a value it cannot convert: the slow path decides


def _within_int32(value: Any) -> bool:
    """Whether every integer in ``value`` fits OCPP's 32-bit integer (the compiled
    validator does not know that limit; the slow path reports it)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif type(item) is int and item not in framing.INT32:
            return False
    return True


def integral_numbers(schemas: SchemaSet, action: str, payload: Any) -> Any:
    """``payload`` with every integral float turned into an int where the request schema
    wants an integer. JSON has one number type and ``google.protobuf.Struct`` keeps every
    number as a double, so ``{"connectorId": 1}`` arrives as ``1.0``; OCPP's draft-04
    schemas accept only ``1`` as an integer."""
    schema = schemas.load(action, answer=False)
    return _coerce(schema, payload, schema)


def _coerce(schema: Mapping[str, Any], value: Any, root: Mapping[str, Any]) -> Any:
    schema = _resolve(schema, root)
    if isinstance(value, float) and value.is_integer() and "integer" in _types(schema):
        return int(value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {key: _coerce(properties.get(key, {}), item, root) for key, item in value.items()}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [_coerce(items if isinstance(items, dict) else {}, item, root) for item in value]
    return value


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local ``$ref`` (``#/definitions/X``), which the 1.6 security extension's
    schemas use; OCPP schemas refer to nothing outside their own file."""
    reference = schema.get("$ref")
    if not isinstance(reference, str) or not reference.startswith("#/"):
        return schema
    target: Any = root
    for part in reference[2:].split("/"):
        target = target.get(part, {}) if isinstance(target, Mapping) else {}
    return _resolve(target, root) if isinstance(target, Mapping) else {}


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    return [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def _path(error: schema_errors.ValidationError) -> str:
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _decimal_as_float(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
