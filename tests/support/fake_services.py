"""Real gRPC servers (port 0) playing the three services: they record what the edge
asks and answer like the real ones would, or fail on request."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import grpc
import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from csms.auth.v1 import auth_pb2, auth_pb2_grpc, certificates_pb2, certificates_pb2_grpc
from csms.chargepoint.v1 import (
    chargepoint_pb2,
    chargepoint_pb2_grpc,
    firmware_pb2,
    logs_and_display_pb2,
    monitoring_pb2,
)
from csms.chargepoint.v1 import smart_charging_pb2 as charging_pb2
from csms.common.v1 import health_pb2
from csms.transaction.v1 import reservation_status_pb2, transaction_pb2, transaction_pb2_grpc
from edge.server import RunningEdge
from servicekit.grpc_server import Registration, RunningServer, start_server
from servicekit.settings import Settings
from tests.support.edges import start_edge
from tests.support.ports import free_port

Context = grpc.aio.ServicerContext[Any, Any]
NOW = Timestamp(seconds=1_714_564_800)  # 2024-05-01T12:00:00Z


@dataclass
class Recorder:
    """Every request the fakes received, and the failures they were told to give."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    failures: dict[str, tuple[grpc.StatusCode, str]] = field(default_factory=dict)
    registration: chargepoint_pb2.ChargePoint.RegistrationStatus.ValueType = (
        chargepoint_pb2.ChargePoint.ACCEPTED
    )
    invalid_tags: set[str] = field(default_factory=set)
    # GetIdTag: the id token types auth_svc stores (others are not stored), and the id
    # tags looked up, kept apart from ``calls``.
    token_types: dict[str, str] = field(default_factory=dict)
    token_lookups: list[str] = field(default_factory=list)
    transactions_active: int = 2
    # OCPP 2.x admission: RecordBoot asks for a base report, RecordReport admits.
    request_base_report: bool = False
    admit_now: bool = False
    transactions_completed: int = 40
    # SignChargePointCertificate: "" signs (a fake chain), else refuses with this reason.
    certificate_refusal: str = ""
    # The handshake (CheckAdmission, AuthenticateChargePoint), kept apart from ``calls``.
    handshakes: list[tuple[str, Any]] = field(default_factory=list)
    # None: admitted; else the reason chargepoint_svc refuses the charge point with.
    not_admitted: str | None = None
    authentication: tuple[int, str] = (auth_pb2.AuthenticateChargePointResponse.ADMITTED, "")
    # RecordDataTransfer's status and data: chargepoint_svc's own answer, UnknownVendorId
    # without data, since it knows no vendor yet (tests/e2e/test_data_transfer.py holds the
    # real service to it); a test sets a vendor's answer to see the edge carry one.
    data_transfer: tuple[chargepoint_pb2.RecordDataTransferResponse.Status.ValueType, str] = (
        chargepoint_pb2.RecordDataTransferResponse.UNKNOWN_VENDOR_ID,
        "",
    )
    # GetDeviceModel's answer; None: NOT_FOUND, as for a station that never reported.
    device_model: chargepoint_pb2.DeviceModel | None = None
    # Smart charging: the schedule RecordEVChargingNeeds offers, RecordEVChargingSchedule's
    # verdict.
    ev_offer: Any = None
    ev_schedule_accepted: bool = True

    async def record(self, method: str, request: Message, context: Context) -> None:
        self.calls.append((method, request))
        failure = self.failures.get(method)
        if failure is not None:
            await context.abort(*failure)

    async def handshake(self, method: str, request: Message, context: Context) -> None:
        self.handshakes.append((method, request))
        failure = self.failures.get(method)
        if failure is not None:
            await context.abort(*failure)

    def requests(self, method: str) -> list[Any]:
        return [request for name, request in self.calls if name == method]

    def methods(self) -> list[str]:
        return [name for name, _ in self.calls]


async def health(recorder: Recorder, component: str, context: Context) -> Any:
    await recorder.record(f"GetHealth:{component}", health_pb2.GetHealthRequest(), context)
    return health_pb2.HealthReport(component=component, status="SERVING", version="9.9.9")


class FakeChargePoints(chargepoint_pb2_grpc.ChargePointServiceServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def GetHealth(self, request: Any, context: Context) -> Any:
        return await health(self.recorder, "chargepoint", context)

    async def CheckAdmission(self, request: Any, context: Context) -> Any:
        await self.recorder.handshake("CheckAdmission", request, context)
        refused = self.recorder.not_admitted
        return chargepoint_pb2.CheckAdmissionResponse(
            admitted=refused is None, registered=refused is None, reason=refused or ""
        )

    async def RecordBoot(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordBoot", request, context)
        return chargepoint_pb2.RecordBootResponse(
            status=self.recorder.registration,
            current_time=NOW,
            interval_seconds=300,
            request_base_report=self.recorder.request_base_report,
        )

    async def RecordHeartbeat(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordHeartbeat", request, context)
        return chargepoint_pb2.RecordHeartbeatResponse(current_time=NOW)

    async def RecordConnectorStatus(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordConnectorStatus", request, context)
        return chargepoint_pb2.RecordConnectorStatusResponse()

    async def RecordFirmwareStatus(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordFirmwareStatus", request, context)
        return chargepoint_pb2.RecordFirmwareStatusResponse()

    async def RecordPublishFirmwareStatus(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordPublishFirmwareStatus", request, context)
        return firmware_pb2.RecordPublishFirmwareStatusResponse()

    async def RecordDiagnosticsStatus(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordDiagnosticsStatus", request, context)
        return chargepoint_pb2.RecordDiagnosticsStatusResponse()

    async def RecordDataTransfer(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordDataTransfer", request, context)
        status, data = self.recorder.data_transfer
        return chargepoint_pb2.RecordDataTransferResponse(status=status, data=data)

    async def RecordReport(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordReport", request, context)
        return chargepoint_pb2.RecordReportResponse(
            admit_now=self.recorder.admit_now and not request.tbc
        )

    async def RecordSecurityEvent(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordSecurityEvent", request, context)
        return chargepoint_pb2.RecordSecurityEventResponse()

    async def RecordEvents(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordEvents", request, context)
        return chargepoint_pb2.RecordEventsResponse()

    async def GetDeviceModel(self, request: Any, context: Context) -> Any:
        # Not recorded: the edge reads it before the CALLs that the station may limit.
        if self.recorder.device_model is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, "no device model")
        return self.recorder.device_model

    async def RecordVariableResults(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordVariableResults", request, context)
        return chargepoint_pb2.RecordVariableResultsResponse()

    async def RecordMonitoringReport(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordMonitoringReport", request, context)
        return monitoring_pb2.RecordMonitoringReportResponse()

    # Issue 13: logs and display messages.

    async def RecordCustomerInformation(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordCustomerInformation", request, context)
        return logs_and_display_pb2.RecordCustomerInformationResponse()

    async def RecordDisplayMessages(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordDisplayMessages", request, context)
        return logs_and_display_pb2.RecordDisplayMessagesResponse()

    # Issue 13: smart charging.

    async def RecordChargingProfiles(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordChargingProfiles", request, context)
        return charging_pb2.RecordChargingProfilesResponse()

    async def RecordChargingLimit(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordChargingLimit", request, context)
        return charging_pb2.RecordChargingLimitResponse()

    async def RecordClearedChargingLimit(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordClearedChargingLimit", request, context)
        return charging_pb2.RecordClearedChargingLimitResponse()

    async def RecordEVChargingNeeds(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordEVChargingNeeds", request, context)
        return charging_pb2.RecordEVChargingNeedsResponse(schedule=self.recorder.ev_offer)

    async def RecordEVChargingSchedule(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordEVChargingSchedule", request, context)
        return charging_pb2.RecordEVChargingScheduleResponse(
            accepted=self.recorder.ev_schedule_accepted
        )


class FakeTransactions(transaction_pb2_grpc.TransactionServiceServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.ids = itertools.count(7)

    async def GetHealth(self, request: Any, context: Context) -> Any:
        return await health(self.recorder, "transaction", context)

    async def CountTransactions(self, request: Any, context: Context) -> Any:
        await self.recorder.record("CountTransactions", request, context)
        return transaction_pb2.CountTransactionsResponse(
            active=self.recorder.transactions_active,
            completed=self.recorder.transactions_completed,
        )

    async def StartTransaction(self, request: Any, context: Context) -> Any:
        await self.recorder.record("StartTransaction", request, context)
        return transaction_pb2.StartTransactionResponse(
            transaction=transaction_pb2.Transaction(id=next(self.ids)),
            id_token_info=auth_pb2.IdTokenInfo(status=auth_pb2.IdTokenInfo.ACCEPTED),
        )

    async def StopTransaction(self, request: Any, context: Context) -> Any:
        await self.recorder.record("StopTransaction", request, context)
        reply = transaction_pb2.StopTransactionResponse(
            transaction=transaction_pb2.Transaction(id=request.transaction_id)
        )
        if request.id_tag:
            reply.id_token_info.status = auth_pb2.IdTokenInfo.ACCEPTED
        return reply

    async def RecordMeterValues(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordMeterValues", request, context)
        return transaction_pb2.RecordMeterValuesResponse()

    async def GetTransaction(self, request: Any, context: Context) -> Any:
        """What this fake handed out: RecordTransactionEvent's transaction 7 (OCPP 2.x,
        the latest station id), else the StartTransaction ids (OCPP 1.6, from 7 up)."""
        await self.recorder.record("GetTransaction", request, context)
        events = self.recorder.requests("RecordTransactionEvent")
        if request.id == 7 and events:
            return transaction_pb2.Transaction(
                id=7,
                charge_point_id=events[-1].charge_point_id,
                ocpp_version=events[-1].ocpp_version,
                station_transaction_id=events[-1].station_transaction_id,
            )
        starts = self.recorder.requests("StartTransaction")
        if 0 <= request.id - 7 < len(starts):
            start = starts[request.id - 7]
            return transaction_pb2.Transaction(
                id=request.id, charge_point_id=start.charge_point_id, ocpp_version="1.6"
            )
        await context.abort(grpc.StatusCode.NOT_FOUND, f"no transaction {request.id}")

    async def ListTransactions(self, request: Any, context: Context) -> Any:
        """The 2.x transactions RecordTransactionEvent saw started, on their EVSE (issue 13:
        the TxProfile offered to an EV's needs names the one active on its EVSE)."""
        await self.recorder.record("ListTransactions", request, context)
        started = [
            event
            for event in self.recorder.requests("RecordTransactionEvent")
            if event.event_type == transaction_pb2.RecordTransactionEventRequest.STARTED
        ]
        return transaction_pb2.ListTransactionsResponse(
            transactions=[
                transaction_pb2.Transaction(
                    id=7,
                    charge_point_id=event.charge_point_id,
                    evse_id=event.evse_id,
                    station_transaction_id=event.station_transaction_id,
                    status=transaction_pb2.Transaction.ACTIVE,
                )
                for event in started
            ]
        )

    async def RecordReservationStatus(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordReservationStatus", request, context)
        return reservation_status_pb2.RecordReservationStatusResponse(applied=True)

    async def RecordTransactionEvent(self, request: Any, context: Context) -> Any:
        await self.recorder.record("RecordTransactionEvent", request, context)
        reply = transaction_pb2.RecordTransactionEventResponse(
            transaction=transaction_pb2.Transaction(
                id=7, station_transaction_id=request.station_transaction_id
            )
        )
        if request.id_tag:
            reply.id_token_info.status = (
                auth_pb2.IdTokenInfo.INVALID
                if request.id_tag in self.recorder.invalid_tags
                else auth_pb2.IdTokenInfo.ACCEPTED
            )
        return reply


class FakeAuth(auth_pb2_grpc.AuthServiceServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def GetHealth(self, request: Any, context: Context) -> Any:
        return await health(self.recorder, "auth", context)

    async def Authorize(self, request: Any, context: Context) -> Any:
        await self.recorder.record("Authorize", request, context)
        status = (
            auth_pb2.IdTokenInfo.INVALID
            if request.id_tag in self.recorder.invalid_tags
            else auth_pb2.IdTokenInfo.ACCEPTED
        )
        return auth_pb2.AuthorizeResponse(id_token_info=auth_pb2.IdTokenInfo(status=status))

    async def GetIdTag(self, request: Any, context: Context) -> Any:
        self.recorder.token_lookups.append(request.id_tag)
        failure = self.recorder.failures.get("GetIdTag")
        if failure is not None:
            await context.abort(*failure)
        token_type = self.recorder.token_types.get(request.id_tag)
        if token_type is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"id tag {request.id_tag} unknown")
        return auth_pb2.IdTag(id_tag=request.id_tag, id_token_type=token_type)

    async def AuthenticateChargePoint(self, request: Any, context: Context) -> Any:
        await self.recorder.handshake("AuthenticateChargePoint", request, context)
        outcome, reason = self.recorder.authentication
        return auth_pb2.AuthenticateChargePointResponse(
            outcome=cast(Any, outcome), reason=reason, security_profile=1
        )


FAKE_CHAIN = "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n"


class FakeCertificateAuthority(certificates_pb2_grpc.CertificateAuthorityServiceServicer):
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def SignChargePointCertificate(self, request: Any, context: Context) -> Any:
        await self.recorder.record("SignChargePointCertificate", request, context)
        reply = certificates_pb2.SignChargePointCertificateResponse
        if self.recorder.certificate_refusal:
            return reply(status=reply.REJECTED, reason=self.recorder.certificate_refusal)
        return reply(status=reply.SIGNED, certificate_chain=FAKE_CHAIN)


@dataclass
class Fakes:
    recorder: Recorder
    server: RunningServer

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.port}"


def settings_for(tmp_path: Path, address: str, **overrides: str) -> Settings:
    environ = {
        "CSMS_DATA_DIR": str(tmp_path),
        "CSMS_INTERNAL_HOST": "127.0.0.1",
        "CSMS_CHARGEPOINT_ADDRESS": address,
        "CSMS_TRANSACTION_ADDRESS": address,
        "CSMS_AUTH_ADDRESS": address,
        "CSMS_GRPC_TIMEOUT": "3",
        "CSMS_MAX_MESSAGE_BYTES": "65536",
    }
    environ.update(overrides)
    return Settings.from_env(environ)


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    recorder = Recorder()
    server = await start_server(
        [
            Registration(
                FakeChargePoints(recorder),  # type: ignore[abstract]  # only what the edge calls
                chargepoint_pb2_grpc.add_ChargePointServiceServicer_to_server,
                "csms.chargepoint.v1.ChargePointService",
            ),
            Registration(
                FakeTransactions(recorder),  # type: ignore[abstract]  # only what the edge calls
                transaction_pb2_grpc.add_TransactionServiceServicer_to_server,
                "csms.transaction.v1.TransactionService",
            ),
            Registration(
                FakeAuth(recorder),  # type: ignore[abstract]  # only what the edge calls
                auth_pb2_grpc.add_AuthServiceServicer_to_server,
                "csms.auth.v1.AuthService",
            ),
            Registration(
                FakeCertificateAuthority(recorder),
                certificates_pb2_grpc.add_CertificateAuthorityServiceServicer_to_server,
                "csms.auth.v1.CertificateAuthorityService",
            ),
        ],
        "127.0.0.1",
        0,
    )
    yield Fakes(recorder, server)
    await server.stop(0)


@pytest.fixture
async def edge(fakes: Fakes, tmp_path: Path) -> AsyncIterator[RunningEdge]:
    settings = settings_for(tmp_path, fakes.address)
    running = await start_edge(settings)
    yield running
    await running.stop()


def closed_address() -> str:
    """An address where nothing listens (a port just freed)."""
    return f"127.0.0.1:{free_port()}"
