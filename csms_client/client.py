"""The client object: one channel per component, its operations grouped by service."""

from __future__ import annotations

from types import TracebackType

import grpc

from csms.auth.v1 import auth_pb2_grpc
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.edge.v1 import edge_pb2_grpc
from csms.transaction.v1 import transaction_pb2_grpc
from csms_client.contract_certificates import ContractCertificates
from csms_client.edge import Edge
from csms_client.monitoring import Monitoring
from csms_client.network_profiles import NetworkProfiles
from csms_client.records import (
    ChargePoints,
    ChargingProfileLibrary,
    IdTags,
    OrphanReports,
    Transactions,
)
from csms_client.reservations import Reservations
from csms_client.station_requests import StationRequests

DEFAULT_TIMEOUT = 10.0


class CsmsClient:
    """Asyncio client of the CSMS's gRPC services; give the ``host:port`` of those you use.

    Defaults are the embedded ports of ``csms up`` on this machine.
    """

    def __init__(
        self,
        *,
        edge: str = "127.0.0.1:50054",
        chargepoint: str = "127.0.0.1:50051",
        transaction: str = "127.0.0.1:50052",
        auth: str = "127.0.0.1:50053",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._channels = [
            grpc.aio.insecure_channel(address) for address in (edge, chargepoint, transaction, auth)
        ]
        edge_channel, chargepoint_channel, transaction_channel, auth_channel = self._channels
        self.edge = Edge(edge_pb2_grpc.EdgeServiceStub(edge_channel), timeout)
        chargepoint_stub = chargepoint_pb2_grpc.ChargePointServiceStub(chargepoint_channel)
        self.charge_points = ChargePoints(chargepoint_stub, timeout)
        # Issue 13: monitoring.
        self.monitoring = Monitoring(self.edge.stub, chargepoint_stub, timeout)
        # Issue 13: logs, customer information and display messages.
        self.station_requests = StationRequests(chargepoint_stub, timeout)
        # Issue 13: smart charging.
        self.charging_profiles = ChargingProfileLibrary(chargepoint_stub, timeout)
        transaction_stub = transaction_pb2_grpc.TransactionServiceStub(transaction_channel)
        self.transactions = Transactions(transaction_stub, timeout)
        self.orphan_reports = OrphanReports(transaction_stub, timeout)
        self.reservations = Reservations(transaction_stub, timeout)
        self.id_tags = IdTags(auth_pb2_grpc.AuthServiceStub(auth_channel), timeout)
        # Issue 13: network profiles.
        self.network_profiles = NetworkProfiles(
            auth_pb2_grpc.AuthServiceStub(auth_channel), timeout
        )
        # Issue 13: ISO 15118 Plug & Charge.
        self.contract_certificates = ContractCertificates(
            auth_pb2_grpc.AuthServiceStub(auth_channel), timeout
        )

    async def close(self) -> None:
        for channel in self._channels:
            await channel.close(None)

    async def __aenter__(self) -> CsmsClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
