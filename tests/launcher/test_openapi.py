"""The OpenAPI documents: derived from the annotations, valid, and in the proto3 JSON mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from openapi_spec_validator import validate

from launcher import openapi, protogen
from launcher.envoy_config import services

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def files() -> descriptor_pb2.FileDescriptorSet:
    protogen.ensure_generated()
    return descriptor_pb2.FileDescriptorSet.FromString(protogen.DESCRIPTOR_SET.read_bytes())


@pytest.fixture(scope="module")
def gateway(files: descriptor_pb2.FileDescriptorSet) -> dict[str, Any]:
    return openapi.document(files, openapi.SURFACES["openapi.json"], "0")


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (verb.upper(), path): op
        for path, item in document["paths"].items()
        for verb, op in item.items()
    }


def _params(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", [])}


@pytest.mark.parametrize("name", sorted(openapi.SURFACES))
def test_every_document_is_valid_openapi(
    files: descriptor_pb2.FileDescriptorSet, name: str
) -> None:
    validate(openapi.document(files, openapi.SURFACES[name], "0"))  # type: ignore[arg-type]


def test_generation_writes_the_documents() -> None:
    protogen.ensure_generated()
    written = json.loads(protogen.OPENAPI_DOCUMENT.read_text())
    assert written["openapi"] == "3.0.3"
    for name in openapi.SURFACES:
        assert (protogen.OUTPUT_DIR / name).is_file()


def test_every_gateway_binding_of_every_annotated_method_is_present(
    gateway: dict[str, Any],
) -> None:
    documented = {(op["tags"][0], op["summary"]) for op in _operations(gateway).values()}
    for service, _cluster in services().values():
        for method in service.methods:
            annotated = method.GetOptions().HasExtension(annotations_pb2.http)
            # Internal RPCs (RecordBoot, StartTransaction, ...) have no REST at all.
            assert ((service.name, method.name) in documented) == annotated, method.full_name


def test_the_gateway_holds_only_its_own_surface(gateway: dict[str, Any]) -> None:
    assert all(p.startswith("/api/v1/") or p == "/services" for p in gateway["paths"])
    assert "/health" not in gateway["paths"]
    ids = [op["operationId"] for op in _operations(gateway).values()]
    assert len(ids) == len(set(ids))
    assert {"ChargePointGetHealth", "EdgeGetHealth", "ListServices", "ListServices1"} <= set(ids)


def test_path_and_query_parameters(gateway: dict[str, Any]) -> None:
    ops = _operations(gateway)
    listing = _params(ops["GET", "/api/v1/transactions"])
    assert set(listing) == {
        "pageSize",
        "pageToken",
        "chargePointId",
        "status",
        "idTag",
        "startedAfter",
        "startedBefore",
    }
    assert listing["startedAfter"]["schema"] == {"type": "string", "format": "date-time"}
    assert listing["pageSize"]["schema"] == {"type": "integer", "format": "int32"}
    assert listing["status"]["in"] == "query"
    assert listing["status"]["schema"] == {"$ref": "#/components/schemas/TransactionStatus"}
    config = _params(ops["GET", "/api/v1/charge-points/{chargePointId}/configuration"])
    assert config["chargePointId"]["in"] == "path"
    assert config["keys"]["schema"] == {"type": "array", "items": {"type": "string"}}
    # The nested template {id_tag.id_tag} is the idTag path parameter; the body is the IdTag.
    update = ops["PUT", "/api/v1/id-tags/{idTag}"]
    assert _params(update)["idTag"]["required"] is True
    body = update["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/IdTag"}
    # body "*": the request less its path fields.
    reset = ops["POST", "/api/v1/charge-points/{chargePointId}/reset"]
    properties = reset["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert set(properties) == {"type", "evseId"}
    assert "parameters" in reset and "requestBody" not in ops["GET", "/api/v1/charge-points"]


def test_responses_and_errors(gateway: dict[str, Any]) -> None:
    get = _operations(gateway)["GET", "/api/v1/charge-points/{id}"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChargePoint"
    }
    assert get["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}
    error = gateway["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "details"}


def test_proto3_json_mapping(gateway: dict[str, Any]) -> None:
    schemas = gateway["components"]["schemas"]
    charge_point = schemas["ChargePoint"]["properties"]
    assert charge_point["lastBootAt"] == {"type": "string", "format": "date-time"}
    assert charge_point["connectors"]["type"] == "array"
    assert schemas["ChargePointRegistrationStatus"]["enum"] == [
        "REGISTRATION_STATUS_UNSPECIFIED",
        "ACCEPTED",
        "PENDING",
        "REJECTED",
    ]
    statistics = schemas["Statistics"]["properties"]
    assert statistics["connectionsOpened"] == {"type": "string", "format": "int64"}
    assert statistics["activeConnections"]["type"] == "integer"
    assert statistics["errorRate"]["type"] == "number"
    assert statistics["callErrorsByCode"]["additionalProperties"] == {
        "type": "string",
        "format": "int64",
    }
    send = schemas["SendRequest"]["properties"]
    assert send["payload"]["type"] == "object"
    assert "oneof answer" in schemas["SendResponse"]["description"]
    assert schemas["ConfigurationKey"]["properties"]["readonly"] == {"type": "boolean"}


def test_names_shared_by_two_packages_are_qualified(gateway: dict[str, Any]) -> None:
    schemas = gateway["components"]["schemas"]
    assert {"EdgeReserveNowRequest", "TransactionReserveNowRequest"} <= set(schemas)
    assert "ReserveNowRequest" not in schemas


def test_descriptions_come_from_the_proto_comments(gateway: dict[str, Any]) -> None:
    schemas = gateway["components"]["schemas"]
    assert "identity the station uses" in schemas["ChargePoint"]["properties"]["id"]["description"]
    tags = {t["name"]: t["description"] for t in gateway["tags"]}
    assert tags["EdgeService"].startswith("The OCPP gateway")
    create = _operations(gateway)["POST", "/api/v1/charge-points"]
    assert "ahead of its first connection" in create["description"]


def test_listener_documents_match_their_ports(files: descriptor_pb2.FileDescriptorSet) -> None:
    ocpp = openapi.document(files, openapi.SURFACES["openapi-ocpp.json"], "0")
    assert set(ocpp["paths"]) == {
        "/health",
        "/connections",
        "/connections/{chargePointId}",
        "/connections/{chargePointId}/send",
        "/statistics",
        "/services",
    }
    api = openapi.document(files, openapi.SURFACES["openapi-chargepoint.json"], "0")
    assert set(api["paths"]) == {
        "/health",
        "/charge-points",
        "/charge-points/{id}",
        "/transactions",
        "/transactions/{id}",
    }
