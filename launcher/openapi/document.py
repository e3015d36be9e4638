"""One OpenAPI 3.0.3 document per Envoy listener (a :class:`Surface`), and the files."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2

from launcher.openapi.catalogue import TEMPLATE, Binding, Catalogue, bindings, json_name, json_path
from launcher.openapi.schemas import ERROR, ERROR_SCHEMA, Builder, Schema


@dataclass(frozen=True)
class Surface:
    """What one Envoy listener serves: these services' bindings whose path passes ``admits``."""

    title: str
    services: tuple[str, ...]
    admits: Callable[[str], bool]


def document(files: descriptor_pb2.FileDescriptorSet, surface: Surface, version: str) -> Schema:
    """The OpenAPI 3.0.3 document of ``surface``, as a JSON-serialisable dict."""
    cat = Catalogue(files)
    build = Builder(cat)
    chosen = [
        b
        for b in bindings(files)
        if b.service.rsplit(".", 1)[-1] in surface.services and surface.admits(b.template)
    ]
    paths: dict[str, dict[str, Schema]] = {}
    for b in chosen:
        path = TEMPLATE.sub(lambda m: "{" + _param_name(m.group(1)) + "}", b.template)
        paths.setdefault(path, {})[b.verb] = _operation(build, b, _operation_id(b, chosen))
    schemas = {cat.schema_name(n): _component(build, cat, n) for n in cat.own}
    schemas[ERROR_SCHEMA] = ERROR
    used = sorted({b.service for b in chosen}, key=surface_order(surface))
    return {
        "openapi": "3.0.3",
        "info": {"title": surface.title, "version": version},
        "tags": [
            {"name": s.rsplit(".", 1)[-1], "description": cat.comments.get(s, "")} for s in used
        ],
        "paths": paths,
        "components": {"schemas": schemas, "responses": {"Error": _error_response()}},
    }


def surface_order(surface: Surface) -> Callable[[str], int]:
    return lambda service: surface.services.index(service.rsplit(".", 1)[-1])


def _component(build: Builder, cat: Catalogue, name: str) -> Schema:
    return build.enum(name) if name in cat.enums else build.message(name)


def _param_name(field_path: str) -> str:
    """The JSON name of the field a template variable sets (``{id_tag.id_tag}`` -> idTag).

    Only the last segment: a dotted name is legal OpenAPI but generated clients cannot make
    an argument of it, and the transcoder matches variables by position, not by name.
    """
    return json_name(field_path.rsplit(".", 1)[-1])


def _operation_id(b: Binding, chosen: Sequence[Binding]) -> str:
    """The method's name; with its service in front when two services share the name, and
    the binding's index behind when the document holds more than one of its bindings."""
    name = b.method.name
    if len({c.service for c in chosen if c.method.name == name}) > 1:
        name = b.service.rsplit(".", 1)[-1].removesuffix("Service") + name
    siblings = [c for c in chosen if c.service == b.service and c.method.name == b.method.name]
    return f"{name}{b.index}" if len(siblings) > 1 and b.index else name


def _operation(build: Builder, b: Binding, operation_id: str) -> Schema:
    request = b.method.input_type
    in_path = TEMPLATE.findall(b.template)
    parameters: list[Schema] = []
    for field_path in in_path:
        schema = build.field(build.field_at(request, field_path))
        parameter: Schema = {
            "name": _param_name(field_path),
            "in": "path",
            "required": True,
            "schema": schema,
        }
        if "." in field_path:
            parameter["description"] = f"Sets {json_path(field_path)} of the request."
        parameters.append(parameter)
    operation: Schema = {
        "operationId": operation_id,
        "tags": [b.service.rsplit(".", 1)[-1]],
        "summary": b.method.name,
    }
    comment = build.cat.comments.get(f"{b.service}.{b.method.name}")
    if comment:
        operation["description"] = comment
    if b.body == "*":
        top = frozenset(p.split(".")[0] for p in in_path)
        body = build.message(request, leave_out=top)
        operation["requestBody"] = _json_body(body)
    else:
        taken = set(in_path) | ({b.body} if b.body else set())
        parameters += build.query(request, taken)
        if b.body:
            operation["requestBody"] = _json_body(build.field(build.field_at(request, b.body)))
    if parameters:
        operation["parameters"] = parameters
    operation["responses"] = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": build.ref(b.method.output_type)}},
        },
        "4XX": {"$ref": "#/components/responses/Error"},
        "5XX": {"$ref": "#/components/responses/Error"},
    }
    return operation


def _json_body(schema: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _error_response() -> Schema:
    # Errors of the services come as JSON; Envoy's own refusals (no such method, a body that
    # is not JSON) come as plain text.
    return {
        "description": "The gRPC status mapped to HTTP (NOT_FOUND 404, INVALID_ARGUMENT 400, "
        "ALREADY_EXISTS 409, FAILED_PRECONDITION 400, UNAVAILABLE 503, ...).",
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }


def _gateway_path(template: str) -> bool:
    return template.startswith("/api/v1/") or template == "/services"


def _unprefixed(template: str) -> bool:
    return not template.startswith("/api/v1/")


# Document file name -> what it describes (docs/design.md §3-4). The gateway's is the API.
SURFACES: dict[str, Surface] = {
    "openapi.json": Surface(
        "CSMS API gateway",
        ("EdgeService", "ChargePointService", "TransactionService", "AuthService"),
        _gateway_path,
    ),
    "openapi-ocpp.json": Surface("CSMS OCPP gateway REST API", ("EdgeService",), _unprefixed),
    "openapi-chargepoint.json": Surface(
        "CSMS charge point service REST API",
        ("ChargePointService", "TransactionService"),
        _unprefixed,
    ),
}


def write_documents(descriptor_set: Path, output_dir: Path, version: str) -> list[Path]:
    """Write one document per listener next to the descriptor set; return their paths."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set.read_bytes())
    written = []
    for name, surface in SURFACES.items():
        target = output_dir / name
        target.write_text(json.dumps(document(files, surface, version), indent=2) + "\n")
        written.append(target)
    return written


def path_table(document: Schema) -> str:
    """The Markdown table of a document's operations (docs/api.md holds the gateway's)."""
    rows = ["| method | path | operation | service |", "|---|---|---|---|"]
    for path, item in document["paths"].items():
        for verb, operation in item.items():
            rows.append(
                f"| {verb.upper()} | `{path}` | {operation['operationId']} | "
                f"{operation['tags'][0]} |"
            )
    return "\n".join(rows)
