"""ContractCertificateService's servicer (ISO 15118 Plug & Charge, OCPP 2.0.1 M01/M02,
M06): protobuf in, :class:`~auth_svc.use_cases.contract_certificates.ContractCertificates`,
protobuf out. Served beside AuthService by auth_svc, which makes the outside calls."""

from __future__ import annotations

from typing import Any

import grpc

from auth_svc.contract_messages import (
    action_from_proto,
    certificate_id_from_proto,
    status_answer_to_proto,
    status_query_from_proto,
)
from auth_svc.errors import InvalidRequest
from auth_svc.use_cases.certificate_chain_status import CertificateChainStatus
from auth_svc.use_cases.contract_certificates import ContractCertificates, Failed
from csms.auth.v1 import contract_certificates_pb2 as pb
from csms.auth.v1 import contract_certificates_pb2_grpc

Context = grpc.aio.ServicerContext[Any, Any]

_StatusResponse = pb.GetCertificateStatusResponse
_EvResponse = pb.GetEvContractCertificateResponse


class ContractCertificateServicer(
    contract_certificates_pb2_grpc.ContractCertificateServiceServicer
):
    def __init__(
        self, certificates: ContractCertificates, chain_status: CertificateChainStatus
    ) -> None:
        self._certificates = certificates
        self._chain_status = chain_status

    async def GetCertificateChainStatus(
        self, request: pb.GetCertificateChainStatusRequest, context: Context
    ) -> pb.GetCertificateChainStatusResponse:
        queries = [status_query_from_proto(query) for query in request.queries]
        answers = await self._chain_status.statuses(request.charge_point_id, queries)
        return pb.GetCertificateChainStatusResponse(
            answers=[
                status_answer_to_proto(answer, query)
                for answer, query in zip(answers, request.queries, strict=True)
            ]
        )

    async def GetCertificateStatus(
        self, request: pb.GetCertificateStatusRequest, context: Context
    ) -> pb.GetCertificateStatusResponse:
        if not request.HasField("ocsp_request_data"):
            raise InvalidRequest("ocsp_request_data is required")
        outcome = await self._certificates.certificate_status(
            certificate_id_from_proto(request.ocsp_request_data),
            charge_point_id=request.charge_point_id,
        )
        if isinstance(outcome, Failed):
            return _StatusResponse(status=_StatusResponse.FAILED, reason=outcome.reason)
        return _StatusResponse(status=_StatusResponse.ACCEPTED, ocsp_response=outcome.response)

    async def GetEvContractCertificate(
        self, request: pb.GetEvContractCertificateRequest, context: Context
    ) -> pb.GetEvContractCertificateResponse:
        outcome = await self._certificates.ev_certificate(
            request.charge_point_id,
            request.iso15118_schema_version,
            action_from_proto(request.action),
            request.exi_request,
        )
        if isinstance(outcome, Failed):
            return _EvResponse(status=_EvResponse.FAILED, reason=outcome.reason)
        return _EvResponse(status=_EvResponse.ACCEPTED, exi_response=outcome.exi_response)
