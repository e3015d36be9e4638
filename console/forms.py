"""Forms built from what the API accepts: its OpenAPI document, read from the gateway.

Every typed operation on a station (``/api/v1/charge-points/{chargePointId}/...``) becomes
a form: path and query parameters and the request body's fields, each an input of its type
(an enum a choice, a number a number, a yes/no a choice of yes, no or unset, a list of text
comma-separated, a nested object JSON). New operations appear as the API grows, with no
change here. A submitted form becomes the request the API documents, or a message that
names the field that is wrong.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from console.api import Api

STATION_PREFIX = "/api/v1/charge-points/{chargePointId}/"
DOCUMENT_TTL = 300.0
# Operations that change what a station does or holds, or end a session: the form asks the
# operator to confirm first (every DELETE too).
DISRUPTIVE = frozenset(
    {
        "Reset",
        "UnlockConnector",
        "ChangeAvailability",
        "RequestStopTransaction",
        "ClearCache",
        "UpdateFirmware",
        "UpdateSignedFirmware",
        "SetNetworkProfile",
        "ChangeRegistration",
        "SendLocalList",
        "SetChargePointCredentials",
        "ChangeChargePointPassword",
        "InstallCertificate",
        "SetVariables",
        "ChangeConfiguration",
        "SetChargingProfile",
        "ApplyChargingProfile",
        "SetStationSiteLimit",
        "ClearChargingProfile",
    }
)


class FormError(ValueError):
    """A submitted value the API would not take; the message names the field."""


@dataclass(frozen=True)
class Field:
    name: str
    where: str
    """``path``, ``query`` or ``body``."""
    kind: str
    """``text``, ``integer``, ``number``, ``choice``, ``yesno``, ``list`` or ``json``."""
    required: bool = False
    options: tuple[str, ...] = ()
    description: str = ""

    @property
    def label(self) -> str:
        words = "".join(f" {c.lower()}" if c.isupper() else c for c in self.name).strip()
        return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    fields: tuple[Field, ...] = field(default=())

    @property
    def group(self) -> str:
        rest = self.path[len(STATION_PREFIX) :]
        return rest.split("/", 1)[0] or "station"

    @property
    def reads(self) -> bool:
        return self.method == "GET"

    @property
    def disruptive(self) -> bool:
        return self.method == "DELETE" or self.id in DISRUPTIVE

    @property
    def title(self) -> str:
        return "".join(f" {c}" if c.isupper() else c for c in self.id).strip()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _kind(document: dict[str, Any], schema: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    schema = _resolve(document, schema)
    if "enum" in schema:
        return "choice", tuple(v for v in schema["enum"] if not str(v).endswith("UNSPECIFIED"))
    kind = schema.get("type")
    if kind == "integer" and schema.get("format") not in {"int64", "uint64"}:
        return "integer", ()
    if kind == "number":
        return "number", ()
    if kind == "boolean":
        return "yesno", ()
    if kind == "array":
        items = _resolve(document, schema.get("items", {}))
        if items.get("type") in {"string", "integer"} and "enum" not in items:
            return "list", ()
        return "json", ()
    if kind == "object" or "properties" in schema:
        return "json", ()
    return "text", ()


def operations(document: dict[str, Any]) -> tuple[Operation, ...]:
    found = []
    for path, methods in document.get("paths", {}).items():
        if not path.startswith(STATION_PREFIX):
            continue
        for method, spec in methods.items():
            fields: list[Field] = []
            for parameter in spec.get("parameters", []):
                if parameter.get("name") == "chargePointId":
                    continue
                kind, options = _kind(document, parameter.get("schema", {}))
                fields.append(
                    Field(
                        parameter["name"],
                        str(parameter.get("in", "query")),
                        kind,
                        bool(parameter.get("required")),
                        options,
                        str(parameter.get("description", "")),
                    )
                )
            body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
            schema = _resolve(document, body.get("schema", {}))
            for name, prop in schema.get("properties", {}).items():
                if name == "chargePointId":
                    continue
                kind, options = _kind(document, prop)
                fields.append(
                    Field(name, "body", kind, False, options, str(prop.get("description", "")))
                )
            found.append(
                Operation(
                    id=str(spec.get("operationId", f"{method} {path}")),
                    method=method.upper(),
                    path=path,
                    summary=str(spec.get("summary", "")),
                    description=str(spec.get("description", "")).strip(),
                    fields=tuple(fields),
                )
            )
    return tuple(sorted(found, key=lambda o: (o.group, o.reads, o.id)))


class Catalogue:
    """The API's operations, from its OpenAPI document, read again every few minutes."""

    def __init__(self) -> None:
        self._operations: tuple[Operation, ...] = ()
        self._read_at = 0.0

    async def all(self, api: Api) -> tuple[Operation, ...]:
        if not self._operations or time.monotonic() - self._read_at > DOCUMENT_TTL:
            document = await api.get("/openapi.json")
            self._operations = operations(document)
            self._read_at = time.monotonic()
        return self._operations

    async def find(self, api: Api, operation_id: str) -> Operation | None:
        return next((o for o in await self.all(api) if o.id == operation_id), None)


def _value(item: Field, text: str) -> Any:
    if item.kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise FormError(f"{item.label}: {text!r} is not a whole number") from None
    if item.kind == "number":
        try:
            return float(text)
        except ValueError:
            raise FormError(f"{item.label}: {text!r} is not a number") from None
    if item.kind == "yesno":
        return text == "true"
    if item.kind == "choice":
        if item.options and text not in item.options:
            raise FormError(f"{item.label}: {text!r} is not one of {', '.join(item.options)}")
        return text
    if item.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if item.kind == "json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise FormError(f"{item.label}: not valid JSON ({error})") from None
    return text


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, Any]
    body: dict[str, Any] | None


def request(operation: Operation, charge_point_id: str, submitted: dict[str, str]) -> Request:
    """The API request a submitted form stands for."""
    from console.api import segment

    path = operation.path.replace("{chargePointId}", segment(charge_point_id))
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for item in operation.fields:
        text = submitted.get(item.name, "").strip()
        if not text:
            if item.required:
                raise FormError(f"{item.label} is required")
            continue
        value = _value(item, text)
        if item.where == "path":
            path = path.replace("{" + item.name + "}", segment(str(value)))
        elif item.where == "query":
            query[item.name] = value
        else:
            body[item.name] = value
    return Request(
        operation.method,
        path,
        query,
        body if operation.method in {"POST", "PUT", "PATCH"} else None,
    )
