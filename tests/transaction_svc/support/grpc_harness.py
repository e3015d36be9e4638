"""What the TransactionService gRPC tests share: a scripted AuthService, the harness type, the
requests they send and the check of an error's code and words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from csms.auth.v1 import auth_pb2, auth_pb2_grpc
from csms.common.v1 import meter_pb2
from csms.transaction.v1 import transaction_pb2, transaction_pb2_grpc
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.settings import Settings
from servicekit.timestamps import to_timestamp
from tests.support.settings import with_network
from tests.support.transaction_factories import at

Tx = transaction_pb2.Transaction
Info = auth_pb2.IdTokenInfo
Purpose = auth_pb2.AuthorizeRequest


class ScriptedAuthService(auth_pb2_grpc.AuthServiceServicer):
    """Answers Authorize from a dict (unknown tags are INVALID) and remembers each request."""

    def __init__(self, decisions: dict[str, Info]) -> None:
        self.decisions = decisions
        self.requests: list[auth_pb2.AuthorizeRequest] = []

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> auth_pb2.AuthorizeResponse:
        self.requests.append(request)
        info = self.decisions.get(request.id_tag, Info(status=Info.INVALID))
        return auth_pb2.AuthorizeResponse(id_token_info=info)

    async def GetIdTag(
        self, request: auth_pb2.GetIdTagRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> auth_pb2.IdTag:
        """The stored identifiers' types: those with a decision, named *-EMAID eMAID."""
        if request.id_tag not in self.decisions:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"id tag {request.id_tag} unknown")
        token_type = "eMAID" if request.id_tag.endswith("-EMAID") else "ISO14443"
        return auth_pb2.IdTag(id_tag=request.id_tag, id_token_type=token_type)


@dataclass
class Harness:
    stub: transaction_pb2_grpc.TransactionServiceAsyncStub
    channel: grpc.aio.Channel
    auth: ScriptedAuthService


ACCEPTED = Info(status=Info.ACCEPTED, expires_at=to_timestamp(at(10_000)), parent_id_tag="GROUP")


def stamp(minutes: float) -> Timestamp:
    result = to_timestamp(at(minutes))
    assert result is not None
    return result


def start_request(**overrides: Any) -> transaction_pb2.StartTransactionRequest:
    fields: dict[str, Any] = {
        "charge_point_id": "CP-1",
        "evse_id": 1,
        "connector_id": 1,
        "id_tag": "TAG-1",
        "meter_start_wh": 1000.0,
        "timestamp": stamp(0),
        "ocpp_version": "1.6",
    }
    return transaction_pb2.StartTransactionRequest(**(fields | overrides))


def energy(minutes: float, wh: float, **sample: Any) -> meter_pb2.MeterValue:
    return meter_pb2.MeterValue(
        timestamp=stamp(minutes),
        sampled_values=[meter_pb2.SampledValue(value=wh, unit="Wh", **sample)],
    )


async def _start_auth(auth: ScriptedAuthService) -> RunningServer:
    name = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name
    registration = Registration(auth, auth_pb2_grpc.add_AuthServiceServicer_to_server, name)
    return await start_server([registration], "127.0.0.1", 0)


def _settings(tmp_path: Path, database_url: str, auth_address: str) -> Settings:
    settings = Settings.from_env(
        {"CSMS_DATA_DIR": str(tmp_path), "CSMS_TRANSACTION_DATABASE_URL": database_url}
    )
    return with_network(settings, auth_address=auth_address, grpc_timeout=3.0)


async def expect_error(call: Any, code: grpc.StatusCode, message: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code
    assert message in (caught.value.details() or "")
