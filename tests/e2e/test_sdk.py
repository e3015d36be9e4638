"""Both SDKs against the running system: the REST client generated from the OpenAPI
document (through the API gateway) and ``csms_client`` (straight to the gRPC ports)."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import grpc
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from csms.chargepoint.v1 import chargepoint_pb2
from csms_client import CsmsClient, CsmsError
from launcher.envoy_limits import MAX_REST_BODY_BYTES
from launcher.sdk import PACKAGE, generate_rest_client
from tests.support.remote_station import remote_station_at
from tests.support.system import System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rest_sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    target = tmp_path_factory.mktemp("sdk")
    generate_rest_client(target)
    sys.path.insert(0, str(target))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_generated_rest_client(rest_sdk: ModuleType, system: System) -> None:
    service = importlib.import_module(f"{PACKAGE}.api.charge_point_service")
    models = importlib.import_module(f"{PACKAGE}.models")
    create = importlib.import_module(f"{service.__name__}.create_charge_point")
    get = importlib.import_module(f"{service.__name__}.get_charge_point")
    listing = importlib.import_module(f"{service.__name__}.list_charge_points")
    base_url = f"http://127.0.0.1:{system.port('CSMS_API_GATEWAY_PORT')}"
    with rest_sdk.Client(base_url=base_url) as client:
        created = create.sync(
            client=client,
            body=models.CreateChargePointRequest(
                id="SDK-REST-1",
                registration_status=models.ChargePointRegistrationStatus.PENDING,
            ),
        )
        assert isinstance(created, models.ChargePoint)
        assert created.registration_status == models.ChargePointRegistrationStatus.PENDING
        fetched = get.sync(id="SDK-REST-1", client=client)
        assert isinstance(fetched, models.ChargePoint)
        assert fetched.id == "SDK-REST-1"
        page = listing.sync(client=client, page_size=1000)
        assert "SDK-REST-1" in [cp.id for cp in page.charge_points]
        missing = get.sync_detailed(id="NO-SUCH-CP", client=client)
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.Error)
        assert missing.parsed.code == grpc.StatusCode.NOT_FOUND.value[0]


async def test_generated_rest_client_reads_orphan_reports(
    rest_sdk: ModuleType, system: System
) -> None:
    """A stop of a transaction the CSMS never gave out is answered and kept (issue 12,
    defect 4); the generated client reads it back typed."""
    stop = {"transactionId": 4040, "meterStop": 77, "timestamp": "2026-05-01T09:00:00Z"}
    url = f"{system.ocpp_url}/SDK-ORPHAN-1"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as ws:
        await ws.send(json.dumps([2, "stop", "StopTransaction", stop]))
        assert json.loads(await ws.recv()) == [3, "stop", {}]
    service = importlib.import_module(f"{PACKAGE}.api.transaction_service")
    models = importlib.import_module(f"{PACKAGE}.models")
    listing = importlib.import_module(f"{service.__name__}.list_orphan_reports")
    get = importlib.import_module(f"{service.__name__}.get_orphan_report")
    base_url = f"http://127.0.0.1:{system.port('CSMS_API_GATEWAY_PORT')}"
    with rest_sdk.Client(base_url=base_url) as client:
        page = listing.sync(client=client, charge_point_id="SDK-ORPHAN-1")
        (orphan,) = page.orphan_reports
        assert isinstance(orphan, models.OrphanReport)
        assert (orphan.transaction_id, orphan.meter_stop_wh) == (4040, 77)
        assert orphan.kind == models.OrphanReportKind.STOP_TRANSACTION
        assert orphan.cause == models.OrphanReportCause.TRANSACTION_UNKNOWN
        fetched = get.sync(id=orphan.id, client=client)
        assert isinstance(fetched, models.OrphanReport) and fetched.id == orphan.id
        missing = get.sync_detailed(id=987654, client=client)
        assert missing.status_code == 404


async def test_grpc_client(system: System) -> None:
    def address(variable: str) -> str:
        return f"127.0.0.1:{system.port(variable)}"

    async with CsmsClient(
        edge=address("CSMS_EDGE_GRPC_PORT"),
        chargepoint=address("CSMS_CHARGEPOINT_GRPC_PORT"),
        transaction=address("CSMS_TRANSACTION_GRPC_PORT"),
        auth=address("CSMS_AUTH_GRPC_PORT"),
    ) as csms:
        created = await csms.charge_points.create("SDK-GRPC-1")
        assert created.registration_status == chargepoint_pb2.ChargePoint.ACCEPTED
        assert (await csms.charge_points.get("SDK-GRPC-1")).id == "SDK-GRPC-1"
        page = await csms.charge_points.list(page_size=1000)
        assert "SDK-GRPC-1" in [cp.id for cp in page.charge_points]
        with pytest.raises(CsmsError) as duplicate:
            await csms.charge_points.create("SDK-GRPC-1")
        assert duplicate.value.code == grpc.StatusCode.ALREADY_EXISTS
        assert duplicate.value.ocpp_code is None
        with pytest.raises(CsmsError) as missing:
            await csms.transactions.get(987654)
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
        tag = await csms.id_tags.create("SDK-TAG-1")
        assert (await csms.id_tags.get("SDK-TAG-1")).id_tag == tag.id_tag
        assert (await csms.edge.health()).component == "edge"
        # No such station is connected: the edge says so.
        with pytest.raises(CsmsError) as offline:
            await csms.edge.disconnect("NOT-CONNECTED")
        assert offline.value.code == grpc.StatusCode.NOT_FOUND


def test_rest_client_project_is_installable(rest_sdk: ModuleType) -> None:
    root = Path(rest_sdk.__file__).resolve().parent.parent
    assert (root / "pyproject.toml").is_file()


async def test_the_generated_rest_client_reads_every_error_as_an_error(
    rest_sdk: ModuleType, system: System
) -> None:
    """A station's CALLERROR (the transcoder's JSON, with the ErrorInfo) and Envoy's own
    refusals (413 from the buffer filter, 400 from the transcoder) parse as the document's
    Error schema."""
    edge = importlib.import_module(f"{PACKAGE}.api.edge_service")
    reset = importlib.import_module(f"{edge.__name__}.reset")
    create = importlib.import_module(f"{PACKAGE}.api.charge_point_service.create_charge_point")
    get_transaction = importlib.import_module(f"{PACKAGE}.api.transaction_service.get_transaction")
    models = importlib.import_module(f"{PACKAGE}.models")
    base_url = f"http://127.0.0.1:{system.port('CSMS_API_GATEWAY_PORT')}"
    async with rest_sdk.Client(base_url=base_url, timeout=httpx.Timeout(60)) as client:
        async with remote_station_at(system.ocpp_url, "SDK-REFUSER") as station:
            pending = asyncio.ensure_future(
                reset.asyncio_detailed(
                    "SDK-REFUSER",
                    client=client,
                    body=models.ResetBody(type_=models.ResetRequestType.HARD),
                )
            )
            frame = await station.next_call()
            await station.refuse(frame, "NotSupported", "no hard reset here")
            refused = await pending
        too_big = await create.asyncio_detailed(
            client=client, body=models.CreateChargePointRequest(id="A" * MAX_REST_BODY_BYTES)
        )
        # An id beyond the field's 32 bits: the transcoder refuses it, no service sees it.
        out_of_range = await get_transaction.asyncio_detailed(1 << 40, client=client)
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.Error)
    assert refused.parsed.code == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    (info,) = refused.parsed.details
    assert info["reason"] == "OCPP_CALL_ERROR"
    assert info["metadata"] == {"code": "NotSupported", "description": "no hard reset here"}
    assert too_big.status_code == 413
    assert isinstance(too_big.parsed, models.Error)
    assert too_big.parsed.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert out_of_range.status_code == 400
    assert isinstance(out_of_range.parsed, models.Error)
    assert out_of_range.parsed.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert str(1 << 40) in out_of_range.parsed.message
