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

from launcher.openapi.catalogue import Binding, bindings, json_name
from launcher.openapi.document import SURFACES, Surface, document, path_table, write_documents
from launcher.openapi.schemas import ERROR_SCHEMA

__all__ = [
    "ERROR_SCHEMA",
    "SURFACES",
    "Binding",
    "Surface",
    "bindings",
    "document",
    "json_name",
    "path_table",
    "write_documents",
]
