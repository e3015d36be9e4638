"""JSON schemas of proto messages and enums, by the proto3 JSON mapping Envoy's transcoder
applies (64-bit integers as strings, enums by name, well-known types as their JSON forms)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.protobuf import descriptor_pb2

from launcher.openapi.catalogue import Catalogue, json_name, json_path

Schema = dict[str, Any]
FieldProto = descriptor_pb2.FieldDescriptorProto

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
ERROR: Schema = {
    "type": "object",
    "description": "A gRPC status as JSON (google.rpc.Status): the gRPC code, what was wrong "
    "and, when the service gave any, typed details such as google.rpc.ErrorInfo.",
    "properties": {
        "code": {"type": "integer", "format": "int32", "description": "The gRPC status code."},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
}


class Builder:
    def __init__(self, catalogue: Catalogue) -> None:
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
                "name": json_path(path),
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
