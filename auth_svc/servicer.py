"""auth_svc's gRPC servicers: protobuf in, use case, protobuf out, with the translation
itself in :mod:`auth_svc.messages`.

Two services share the one server: AuthService, and CertificateAuthorityService beside it
so that the CA key stays in this process (see ``proto/csms/auth/v1/certificates.proto``).
Domain errors propagate untouched; :mod:`servicekit.grpc_server` maps them to a status.
"""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from auth_svc.contract_messages import (
    certificate_status_to_proto,
    check_to_proto,
    contract_from_proto,
)
from auth_svc.domain.certificate_signing import CertificateSigning, Refused
from auth_svc.messages import (
    credentials_to_proto,
    decision_to_proto,
    fields_from_proto,
    id_tag_to_proto,
    id_token_info_to_proto,
    local_list_to_proto,
    presented_from_proto,
    purpose_from_proto,
    send_outcome_to_proto,
    update_type_from_proto,
    use_from_proto,
)
from auth_svc.network_profile_messages import offer_from_proto, profile_to_proto, summary_to_proto
from auth_svc.use_cases import CredentialUseCases, IdTagUseCases, LocalListUseCases
from auth_svc.use_cases.contract_certificates import ContractCertificates
from auth_svc.use_cases.network_profiles import NetworkProfileUseCases
from csms.auth.v1 import (
    auth_pb2,
    auth_pb2_grpc,
    certificates_pb2,
    certificates_pb2_grpc,
    network_profiles_pb2,
)
from csms.auth.v1 import (
    contract_certificates_pb2 as pb,
)
from csms.common.v1 import health_pb2
from servicekit.health import database_report
from servicekit.pagination import PageRequest, next_page_token

Context = grpc.aio.ServicerContext[Any, Any]

_SignResponse = certificates_pb2.SignChargePointCertificateResponse


class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    def __init__(
        self,
        use_cases: IdTagUseCases,
        local_list: LocalListUseCases,
        credentials: CredentialUseCases,
        engine: AsyncEngine,
        *,
        network_profiles: NetworkProfileUseCases,
        minimum_profile: int,
        contract_certificates: ContractCertificates,
    ) -> None:
        self._network_profiles = network_profiles
        self._minimum_profile = minimum_profile
        self._use_cases = use_cases
        self._contract_certificates = contract_certificates
        self._local_list = local_list
        self._credentials = credentials
        self._engine = engine

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return await database_report("auth", self._engine)

    async def Authorize(
        self, request: auth_pb2.AuthorizeRequest, context: Context
    ) -> auth_pb2.AuthorizeResponse:
        if request.HasField("contract_certificate"):
            # ISO 15118 Plug & Charge (OCPP 2.0.1 C07).
            info, status = await self._contract_certificates.authorize(
                request.id_tag,
                purpose_from_proto(request.purpose),
                contract_from_proto(request.contract_certificate),
                charge_point_id=request.charge_point_id,
            )
            return auth_pb2.AuthorizeResponse(
                id_token_info=id_token_info_to_proto(info),
                certificate_status=certificate_status_to_proto(status),
            )
        info = await self._use_cases.authorize(
            request.id_tag,
            purpose_from_proto(request.purpose),
            charge_point_id=request.charge_point_id,
            id_token_type=request.id_token_type,
        )
        return auth_pb2.AuthorizeResponse(id_token_info=id_token_info_to_proto(info))

    async def ListContractCertificateChecks(
        self, request: pb.ListContractCertificateChecksRequest, context: Context
    ) -> pb.ListContractCertificateChecksResponse:
        checks = await self._contract_certificates.checks(
            request.charge_point_id, request.page_size
        )
        return pb.ListContractCertificateChecksResponse(
            checks=[check_to_proto(check) for check in checks]
        )

    async def CreateIdTag(
        self, request: auth_pb2.CreateIdTagRequest, context: Context
    ) -> auth_pb2.IdTag:
        tag = await self._use_cases.create_id_tag(fields_from_proto(request.id_tag))
        return id_tag_to_proto(tag)

    async def GetIdTag(self, request: auth_pb2.GetIdTagRequest, context: Context) -> auth_pb2.IdTag:
        return id_tag_to_proto(await self._use_cases.get_id_tag(request.id_tag))

    async def ListIdTags(
        self, request: auth_pb2.ListIdTagsRequest, context: Context
    ) -> auth_pb2.ListIdTagsResponse:
        page = await self._use_cases.list_id_tags(
            PageRequest.parse(request.page_size, request.page_token)
        )
        return auth_pb2.ListIdTagsResponse(
            id_tags=[id_tag_to_proto(tag) for tag in page.id_tags],
            next_page_token=next_page_token(page.last),
        )

    async def UpdateIdTag(
        self, request: auth_pb2.UpdateIdTagRequest, context: Context
    ) -> auth_pb2.IdTag:
        tag = await self._use_cases.update_id_tag(fields_from_proto(request.id_tag))
        return id_tag_to_proto(tag)

    async def AddToLocalList(
        self, request: auth_pb2.AddToLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.add(request.id_tag))

    async def RemoveFromLocalList(
        self, request: auth_pb2.RemoveFromLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.remove(request.id_tag))

    async def GetLocalList(
        self, request: auth_pb2.GetLocalListRequest, context: Context
    ) -> auth_pb2.LocalList:
        return local_list_to_proto(await self._local_list.get())

    async def SendLocalList(
        self, request: auth_pb2.SendLocalListRequest, context: Context
    ) -> auth_pb2.SendLocalListResponse:
        outcome = await self._local_list.send(
            request.charge_point_id, update_type_from_proto(request.update_type)
        )
        return send_outcome_to_proto(outcome)

    async def SetChargePointCredentials(
        self, request: auth_pb2.SetChargePointCredentialsRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        view = await self._credentials.set(
            request.charge_point_id, request.security_profile, request.password
        )
        return credentials_to_proto(view)

    async def GetChargePointCredentials(
        self, request: auth_pb2.GetChargePointCredentialsRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        return credentials_to_proto(await self._credentials.get(request.charge_point_id))

    async def ChangeChargePointPassword(
        self, request: auth_pb2.ChangeChargePointPasswordRequest, context: Context
    ) -> auth_pb2.ChargePointCredentials:
        view = await self._credentials.change_password(request.charge_point_id, request.password)
        return credentials_to_proto(view)

    async def AuthenticateChargePoint(
        self, request: auth_pb2.AuthenticateChargePointRequest, context: Context
    ) -> auth_pb2.AuthenticateChargePointResponse:
        decision = await self._credentials.authenticate(presented_from_proto(request))
        return decision_to_proto(decision)

    # Issue 13: network profiles.
    async def SetNetworkProfile(
        self, request: network_profiles_pb2.SetNetworkProfileRequest, context: Context
    ) -> network_profiles_pb2.SetNetworkProfileResponse:
        outcome = await self._network_profiles.offer(
            request.charge_point_id, offer_from_proto(request)
        )
        return network_profiles_pb2.SetNetworkProfileResponse(
            profile=profile_to_proto(outcome.profile),
            credentials=summary_to_proto(outcome.credentials, self._minimum_profile),
        )

    async def ListNetworkProfiles(
        self, request: network_profiles_pb2.ListNetworkProfilesRequest, context: Context
    ) -> network_profiles_pb2.ListNetworkProfilesResponse:
        profiles = await self._network_profiles.list(request.charge_point_id)
        return network_profiles_pb2.ListNetworkProfilesResponse(
            profiles=[profile_to_proto(profile) for profile in profiles]
        )


class CertificateAuthorityServicer(certificates_pb2_grpc.CertificateAuthorityServiceServicer):
    def __init__(self, signing: CertificateSigning) -> None:
        self._signing = signing

    async def SignChargePointCertificate(
        self, request: certificates_pb2.SignChargePointCertificateRequest, context: Context
    ) -> certificates_pb2.SignChargePointCertificateResponse:
        use = use_from_proto(request.use)
        outcome = await asyncio.to_thread(
            self._signing.sign, request.charge_point_id, request.csr, use
        )
        if isinstance(outcome, Refused):
            return _SignResponse(status=_SignResponse.REJECTED, reason=outcome.reason)
        return _SignResponse(status=_SignResponse.SIGNED, certificate_chain=outcome.chain)
