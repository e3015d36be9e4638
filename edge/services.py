"""The typed clients of the three services the edge translates OCPP calls into (auth_svc
serves three: AuthService, its CertificateAuthorityService and its
ContractCertificateService)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import grpc

from csms.auth.v1 import auth_pb2_grpc, certificates_pb2_grpc, contract_certificates_pb2_grpc
from csms.chargepoint.v1 import chargepoint_pb2_grpc
from csms.transaction.v1 import transaction_pb2_grpc
from servicekit.channels import open_channel
from servicekit.network_settings import NetworkSettings

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub
    from csms.auth.v1.certificates_pb2_grpc import CertificateAuthorityServiceAsyncStub
    from csms.auth.v1.contract_certificates_pb2_grpc import ContractCertificateServiceAsyncStub
    from csms.chargepoint.v1.chargepoint_pb2_grpc import ChargePointServiceAsyncStub
    from csms.transaction.v1.transaction_pb2_grpc import TransactionServiceAsyncStub

# Service names as they appear in errors a station receives.
CHARGEPOINT = "chargepoint"
TRANSACTION = "transaction"
AUTH = "auth"


@dataclass(frozen=True)
class Services:
    """One stub per service and the deadline for each call; the channels they use."""

    chargepoint: ChargePointServiceAsyncStub
    transaction: TransactionServiceAsyncStub
    auth: AuthServiceAsyncStub
    # auth_svc's CA: signs the certificates stations ask for (SignCertificate).
    certificates: CertificateAuthorityServiceAsyncStub
    # auth_svc's ISO 15118 Plug & Charge (GetCertificateStatus, Get15118EVCertificate).
    contract_certificates: ContractCertificateServiceAsyncStub
    timeout: float
    channels: tuple[grpc.aio.Channel, ...]

    @classmethod
    def connect(cls, network: NetworkSettings) -> Services:
        """Open channels to the services' addresses in ``network``. Channels connect lazily,
        so a service that is down now is reached once it comes up."""
        chargepoint = open_channel(network.chargepoint_address)
        transaction = open_channel(network.transaction_address)
        auth = open_channel(network.auth_address)
        return cls(
            chargepoint=chargepoint_pb2_grpc.ChargePointServiceStub(chargepoint),
            transaction=transaction_pb2_grpc.TransactionServiceStub(transaction),
            auth=auth_pb2_grpc.AuthServiceStub(auth),
            certificates=certificates_pb2_grpc.CertificateAuthorityServiceStub(auth),
            contract_certificates=contract_certificates_pb2_grpc.ContractCertificateServiceStub(
                auth
            ),
            timeout=network.grpc_timeout,
            channels=(chargepoint, transaction, auth),
        )

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close(None)
