"""An index of the API's descriptor set: messages, enums, services, their comments, and
every REST binding (``google.api.http`` and its additional bindings)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

# descriptor.proto field numbers, for SourceCodeInfo paths.
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM = 2, 3, 4
_SERVICE_METHOD, _ENUM_VALUE = 2, 2

_VERBS = ("get", "put", "post", "delete", "patch")
TEMPLATE = re.compile(r"\{([^}=]+)(?:=[^}]*)?\}")


@dataclass(frozen=True)
class Binding:
    """One REST binding of a method: verb, path template and body selector."""

    service: str
    method: descriptor_pb2.MethodDescriptorProto
    verb: str
    template: str
    body: str
    index: int  # 0 for the method's own binding, then one per additional binding


def json_name(name: str) -> str:
    """The proto3 JSON name of a field (lowerCamelCase)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def json_path(field_path: str) -> str:
    return ".".join(json_name(p) for p in field_path.split("."))


class Catalogue:
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
