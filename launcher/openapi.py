"""The OpenAPI 3.0.3 document of the REST API, derived from the protos, never written by hand.

Envoy's ``grpc_json_transcoder`` serves REST from the ``google.api.http`` annotations and
the proto3 JSON mapping; this module describes exactly that, from the same descriptor set
(``csms/descriptors.pb``, built with source info so the proto comments become descriptions):

- one operation per binding (additional bindings included), tagged with its service;
- path parameters from the ``{field}`` / ``{message.field}`` templates;
- the fields neither in the path nor in the body become query parameters;
- the body is the whole request (``body: "*"``, less the path fields) or one field;
- schemas follow the proto3 JSON mapping (64-bit integers as strings, enums by name,
  ``Timestamp`` as an RFC 3339 date-time, ``Struct`` as an object, maps as objects).

A :class:`Surface` selects which bindings a listener serves, so each port's document lists
what that port answers and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

Schema = dict[str, Any]
FieldProto = descriptor_pb2.FieldDescriptorProto

# descriptor.proto field numbers, for SourceCodeInfo paths.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM = 2, 3, 4
_SERVICE_METHOD, _ENUM_VALUE = 2, 2

_SCALARS: dict[int, Schema] = {
    FieldProto.TYPE_DOUBLE: {"type": "number", "format": "double"},
    FieldProto.TYPE_FLOAT: {"type": "number", "format": "float"},
    FieldProto.TYPE_INT32: {"type": "integer", "format": "int32"},
    FieldProto.TYPE_SINT32: {"type": "integer", "format": "int32"},
    FieldProto.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    FieldProto.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0},
    FieldProto.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0},
    # The proto3 JSON mapping writes 64-bit integers as decimal strings.
    FieldProto.TYPE_INT64: {"type": "string", "format": "int64"},
    FieldProto.TYPE_SINT64: {"type": "string", "format": "int64"},
    FieldProto.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    FieldProto.TYPE_UINT64: {"type": "string", "format": "uint64"},
    FieldProto.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    FieldProto.TYPE_BOOL: {"type": "boolean"},
    FieldProto.TYPE_STRING: {"type": "string"},
    FieldProto.TYPE_BYTES: {"type": "string", "format": "byte"},
}

_WELL_KNOWN: dict[str, Schema] = {
    ".google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    ".google.protobuf.Duration": {"type": "string", "example": "1.5s"},
    ".google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    ".google.protobuf.Value": {},
    ".google.protobuf.ListValue": {"type": "array", "items": {}},
    ".google.protobuf.Empty": {"type": "object"},
    ".google.protobuf.FieldMask": {"type": "string"},
    ".google.protobuf.StringValue": {"type": "string", "nullable": True},
    ".google.protobuf.BoolValue": {"type": "boolean", "nullable": True},
    ".google.protobuf.Int32Value": {"type": "integer", "format": "int32", "nullable": True},
    ".google.protobuf.Int64Value": {"type": "string", "format": "int64", "nullable": True},
    ".google.protobuf.DoubleValue": {"type": "number", "nullable": True},
}

ERROR_SCHEMA = "Error"
_ERROR: Schema = {
    "type": "object",
    "description": "A gRPC status as JSON (google.rpc.Status): the gRPC code, what was wrong "
    "and, when the service gave any, typed details such as google.rpc.ErrorInfo.",
    "properties": {
        "code": {"type": "integer", "format": "int32", "description": "The gRPC status code."},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
}

_VERBS = ("get", "put", "post", "delete", "patch")
_TEMPLATE = re.compile(r"\{([^}=]+)(?:=[^}]*)?\}")


@dataclass(frozen=True)
class Binding:
    """One REST binding of a method: verb, path template and body selector."""

    service: str
    method: descriptor_pb2.MethodDescriptorProto
    verb: str
    template: str
    body: str
    index: int  # 0 for the method's own binding, then one per additional binding


@dataclass(frozen=True)
class Surface:
    """What one Envoy listener serves: these services' bindings whose path passes ``admits``."""

    title: str
    services: tuple[str, ...]
    admits: Callable[[str], bool]


def json_name(name: str) -> str:
    """The proto3 JSON name of a field (lowerCamelCase)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _Catalogue:
    """Every message, enum and comment of a descriptor set, by full name."""

    def __init__(self, files: descriptor_pb2.FileDescriptorSet) -> None:
        self.messages: dict[str, descriptor_pb2.DescriptorProto] = {}
        self.enums: dict[str, descriptor_pb2.EnumDescriptorProto] = {}
        self.comments: dict[str, str] = {}
        self.services: dict[str, descriptor_pb2.ServiceDescriptorProto] = {}
        self.own: list[str] = []  # csms.* messages and enums, in declaration order
        for file in files.file:
            self._index(file)

    def _index(self, file: descriptor_pb2.FileDescriptorProto) -> None:
        by_path = {
            tuple(loc.path): (loc.leading_comments or loc.trailing_comments).strip()
            for loc in file.source_code_info.location
        }
        own = file.package.startswith("csms.")

        def enum(e: descriptor_pb2.EnumDescriptorProto, name: str, path: tuple[int, ...]) -> None:
            self.enums[name] = e
            self.comments[name] = by_path.get(path, "")
            for i, value in enumerate(e.value):
                self.comments[f"{name}.{value.name}"] = by_path.get((*path, _ENUM_VALUE, i), "")
            if own:
                self.own.append(name)

        def message(m: descriptor_pb2.DescriptorProto, name: str, path: tuple[int, ...]) -> None:
            self.messages[name] = m
            self.comments[name] = by_path.get(path, "")
            if own and not m.options.map_entry:
                self.own.append(name)
            for i, f in enumerate(m.field):
                self.comments[f"{name}.{f.name}"] = by_path.get((*path, _MESSAGE_FIELD, i), "")
            for i, nested in enumerate(m.nested_type):
                message(nested, f"{name}.{nested.name}", (*path, _MESSAGE_NESTED, i))
            for i, e in enumerate(m.enum_type):
                enum(e, f"{name}.{e.name}", (*path, _MESSAGE_ENUM, i))

        prefix = f".{file.package}"
        for i, m in enumerate(file.message_type):
            message(m, f"{prefix}.{m.name}", (_FILE_MESSAGE, i))
        for i, e in enumerate(file.enum_type):
            enum(e, f"{prefix}.{e.name}", (_FILE_ENUM, i))
        for i, s in enumerate(file.service):
            full = f"{file.package}.{s.name}"
            self.services[full] = s
            self.comments[full] = by_path.get((_FILE_SERVICE, i), "")
            for j, method in enumerate(s.method):
                self.comments[f"{full}.{method.name}"] = by_path.get(
                    (_FILE_SERVICE, i, _SERVICE_METHOD, j), ""
                )

    def schema_name(self, full_name: str) -> str:
        """``.csms.chargepoint.v1.ChargePoint.RegistrationStatus`` -> ChargePointRegistrationStatus;
        names two packages share get the package's area in front (EdgeReserveNowRequest)."""
        short = self._short(full_name)
        if sum(1 for other in self.own if self._short(other) == short) > 1:
            return full_name.split(".")[2].capitalize() + short
        return short

    @staticmethod
    def _short(full_name: str) -> str:
        return "".join(part for part in full_name.split(".")[4:])


class _Builder:
    def __init__(self, catalogue: _Catalogue) -> None:
        self.cat = catalogue

    def ref(self, full_name: str) -> Schema:
        return {"$ref": f"#/components/schemas/{self.cat.schema_name(full_name)}"}

    def field(self, field: FieldProto) -> Schema:
        if field.type == FieldProto.TYPE_MESSAGE:
            entry = self.cat.messages.get(field.type_name)
            if entry is not None and entry.options.map_entry:
                _key, value = entry.field
                return {"type": "object", "additionalProperties": self._single(value)}
        single = self._single(field)
        if field.label == FieldProto.LABEL_REPEATED:
            return {"type": "array", "items": single}
        return single

    def _single(self, field: FieldProto) -> Schema:
        if field.type == FieldProto.TYPE_ENUM:
            return self.ref(field.type_name)
        if field.type == FieldProto.TYPE_MESSAGE:
            known = _WELL_KNOWN.get(field.type_name)
            return dict(known) if known is not None else self.ref(field.type_name)
        return dict(_SCALARS[field.type])

    def message(self, full_name: str, leave_out: frozenset[str] = frozenset()) -> Schema:
        message = self.cat.messages[full_name]
        properties: dict[str, Schema] = {}
        for f in message.field:
            if f.name in leave_out:
                continue
            property_schema = self.field(f)
            comment = self.cat.comments.get(f"{full_name}.{f.name}")
            if comment and "$ref" not in property_schema:
                property_schema["description"] = comment
            properties[f.json_name or json_name(f.name)] = property_schema
        schema: Schema = {"type": "object", "properties": properties}
        description = [self.cat.comments.get(full_name, "")]
        for i, oneof in enumerate(message.oneof_decl):
            members = [
                json_name(f.name)
                for f in message.field
                if f.HasField("oneof_index") and f.oneof_index == i and not f.proto3_optional
            ]
            if members:
                description.append(f"oneof {oneof.name}: at most one of {', '.join(members)}.")
        if any(description):
            schema["description"] = "\n\n".join(d for d in description if d)
        return schema

    def enum(self, full_name: str) -> Schema:
        values = [v.name for v in self.cat.enums[full_name].value]
        lines = [self.cat.comments.get(full_name, "")]
        lines += [
            f"- {v}: {self.cat.comments[f'{full_name}.{v}']}"
            for v in values
            if self.cat.comments.get(f"{full_name}.{v}")
        ]
        schema: Schema = {"type": "string", "enum": values}
        if any(lines):
            schema["description"] = "\n".join(line for line in lines if line)
        return schema

    def query(self, full_name: str, taken: set[str], prefix: str = "") -> Iterator[Schema]:
        """Query parameters: scalar fields by JSON name, nested messages as ``a.b``."""
        for f in self.cat.messages[full_name].field:
            path = f"{prefix}{f.name}"
            if path in taken:
                continue
            is_message = f.type == FieldProto.TYPE_MESSAGE and f.type_name not in _WELL_KNOWN
            if is_message and f.label != FieldProto.LABEL_REPEATED and path.count(".") < 2:
                yield from self.query(f.type_name, taken, f"{path}.")
                continue
            if is_message:
                continue  # repeated messages and maps cannot be sent in a query string
            parameter: Schema = {
                "name": _json_path(path),
                "in": "query",
                "required": False,
                "schema": self.field(f),
            }
            comment = self.cat.comments.get(f"{full_name}.{f.name}")
            if comment:
                parameter["description"] = comment
            if f.label == FieldProto.LABEL_REPEATED:
                parameter["style"], parameter["explode"] = "form", True
            yield parameter

    def field_at(self, full_name: str, path: str) -> FieldProto:
        message = self.cat.messages[full_name]
        head, _, rest = path.partition(".")
        (found,) = [f for f in message.field if f.name == head]
        return self.field_at(found.type_name, rest) if rest else found


def bindings(catalogue_files: descriptor_pb2.FileDescriptorSet) -> Iterator[Binding]:
    for file in catalogue_files.file:
        for service in file.service:
            full = f"{file.package}.{service.name}"
            for method in service.method:
                if not method.options.HasExtension(annotations_pb2.http):
                    continue
                rule = method.options.Extensions[annotations_pb2.http]
                rules = [rule, *rule.additional_bindings]
                for index, each in enumerate(rules):
                    yield _binding(full, method, each, index)


def _binding(
    service: str, method: descriptor_pb2.MethodDescriptorProto, rule: http_pb2.HttpRule, index: int
) -> Binding:
    verb = rule.WhichOneof("pattern")
    if verb not in _VERBS:
        raise ValueError(f"{service}.{method.name}: unsupported HTTP pattern {verb}")
    return Binding(service, method, verb, getattr(rule, verb), rule.body, index)


def document(files: descriptor_pb2.FileDescriptorSet, surface: Surface, version: str) -> Schema:
    """The OpenAPI 3.0.3 document of ``surface``, as a JSON-serialisable dict."""
    cat = _Catalogue(files)
    build = _Builder(cat)
    chosen = [
        b
        for b in bindings(files)
        if b.service.rsplit(".", 1)[-1] in surface.services and surface.admits(b.template)
    ]
    paths: dict[str, dict[str, Schema]] = {}
    for b in chosen:
        path = _TEMPLATE.sub(lambda m: "{" + _param_name(m.group(1)) + "}", b.template)
        paths.setdefault(path, {})[b.verb] = _operation(build, b, _operation_id(b, chosen))
    schemas = {cat.schema_name(n): _component(build, cat, n) for n in cat.own}
    schemas[ERROR_SCHEMA] = _ERROR
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


def _component(build: _Builder, cat: _Catalogue, name: str) -> Schema:
    return build.enum(name) if name in cat.enums else build.message(name)


def _param_name(field_path: str) -> str:
    """The JSON name of the field a template variable sets (``{id_tag.id_tag}`` -> idTag).

    Only the last segment: a dotted name is legal OpenAPI but generated clients cannot make
    an argument of it, and the transcoder matches variables by position, not by name.
    """
    return json_name(field_path.rsplit(".", 1)[-1])


def _json_path(field_path: str) -> str:
    return ".".join(json_name(p) for p in field_path.split("."))


def _operation_id(b: Binding, chosen: Sequence[Binding]) -> str:
    """The method's name; with its service in front when two services share the name, and
    the binding's index behind when the document holds more than one of its bindings."""
    name = b.method.name
    if len({c.service for c in chosen if c.method.name == name}) > 1:
        name = b.service.rsplit(".", 1)[-1].removesuffix("Service") + name
    siblings = [c for c in chosen if c.service == b.service and c.method.name == b.method.name]
    return f"{name}{b.index}" if len(siblings) > 1 and b.index else name


def _operation(build: _Builder, b: Binding, operation_id: str) -> Schema:
    request = b.method.input_type
    in_path = _TEMPLATE.findall(b.template)
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
            parameter["description"] = f"Sets {_json_path(field_path)} of the request."
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


# Document file name -> what it describes (DESIGN.md §3-4). The gateway's is the API.
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


def write_documents(descriptor_set: Path, output_dir: Path) -> list[Path]:
    """Write one document per listener next to the descriptor set; return their paths."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set.read_bytes())
    version = metadata.version("csms")
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
