"""auth_svc's ISO 15118 Plug & Charge record (AuthService.ListContractCertificateChecks): what each
station asked (Authorize with a contract certificate, GetCertificateStatus,
Get15118EVCertificate) and what it was answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csms.auth.v1 import contract_certificates_pb2 as pb
from csms_client.errors import invoke

if TYPE_CHECKING:
    from csms.auth.v1.auth_pb2_grpc import AuthServiceAsyncStub


class ContractCertificates:
    def __init__(self, stub: AuthServiceAsyncStub, timeout: float) -> None:
        self.stub, self._timeout = stub, timeout

    async def checks(
        self, charge_point_id: str, page_size: int = 0
    ) -> pb.ListContractCertificateChecksResponse:
        """The charge point's Plug & Charge checks, newest first (default 100, at most 1000)."""
        request = pb.ListContractCertificateChecksRequest(
            charge_point_id=charge_point_id, page_size=page_size
        )
        return await invoke(self.stub.ListContractCertificateChecks, request, self._timeout)
