"""The ``csms.transaction.v1.TransactionService`` gRPC servicer: it translates messages and
calls the use cases. Errors are raised, not caught: :mod:`servicekit.grpc_server` maps them
to a status in one place."""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from csms.common.v1 import health_pb2
from csms.transaction.v1 import (
    closure_pb2,
    reservation_status_pb2,
    transaction_pb2,
    transaction_pb2_grpc,
)
from servicekit.health import database_report
from transaction_svc import messages
from transaction_svc.use_cases import (
    OrphanReportUseCases,
    ReservationUseCases,
    TransactionEventUseCases,
    TransactionUseCases,
)
from transaction_svc.use_cases.closures import TransactionClosures

Context = grpc.aio.ServicerContext[Any, Any]


class TransactionServicer(transaction_pb2_grpc.TransactionServiceServicer):
    def __init__(
        self,
        use_cases: TransactionUseCases,
        reservations: ReservationUseCases,
        engine: AsyncEngine,
        events: TransactionEventUseCases,
        orphans: OrphanReportUseCases,
        *,
        closures: TransactionClosures,
    ) -> None:
        self._use_cases = use_cases
        self._orphans = orphans
        self._events = events
        self._reservations = reservations
        self._engine = engine
        self._closures = closures

    async def GetHealth(
        self, request: health_pb2.GetHealthRequest, context: Context
    ) -> health_pb2.HealthReport:
        return await database_report("transaction", self._engine)

    async def StartTransaction(
        self, request: transaction_pb2.StartTransactionRequest, context: Context
    ) -> transaction_pb2.StartTransactionResponse:
        outcome = await self._use_cases.start(messages.start_from_proto(request))
        return transaction_pb2.StartTransactionResponse(
            transaction=messages.transaction_to_proto(outcome.transaction),
            id_token_info=messages.id_token_info_to_proto(outcome.authorization),
        )

    async def StopTransaction(
        self, request: transaction_pb2.StopTransactionRequest, context: Context
    ) -> transaction_pb2.StopTransactionResponse:
        outcome = await self._use_cases.stop(messages.stop_from_proto(request))
        response = transaction_pb2.StopTransactionResponse()
        if outcome.transaction is not None:
            response.transaction.CopyFrom(messages.transaction_to_proto(outcome.transaction))
        if outcome.orphan is not None:
            response.orphan_report_id = outcome.orphan.id
        if outcome.authorization is not None:
            response.id_token_info.CopyFrom(messages.id_token_info_to_proto(outcome.authorization))
        return response

    async def RecordMeterValues(
        self, request: transaction_pb2.RecordMeterValuesRequest, context: Context
    ) -> transaction_pb2.RecordMeterValuesResponse:
        await self._use_cases.record_meter_values(messages.report_from_proto(request))
        return transaction_pb2.RecordMeterValuesResponse()

    async def RecordTransactionEvent(
        self, request: transaction_pb2.RecordTransactionEventRequest, context: Context
    ) -> transaction_pb2.RecordTransactionEventResponse:
        outcome = await self._events.record(messages.event_from_proto(request))
        response = transaction_pb2.RecordTransactionEventResponse(
            transaction=messages.transaction_to_proto(outcome.transaction)
        )
        if outcome.authorization is not None:
            response.id_token_info.CopyFrom(messages.id_token_info_to_proto(outcome.authorization))
        return response

    async def GetTransaction(
        self, request: transaction_pb2.GetTransactionRequest, context: Context
    ) -> transaction_pb2.Transaction:
        return messages.transaction_to_proto(await self._use_cases.get(request.id))

    async def ListTransactions(
        self, request: transaction_pb2.ListTransactionsRequest, context: Context
    ) -> transaction_pb2.ListTransactionsResponse:
        page = await self._use_cases.list(messages.query_from_proto(request))
        return messages.page_to_proto(page)

    async def ListOrphanReports(
        self, request: transaction_pb2.ListOrphanReportsRequest, context: Context
    ) -> transaction_pb2.ListOrphanReportsResponse:
        page = await self._orphans.list(messages.orphan_query_from_proto(request))
        return messages.orphan_page_to_proto(page)

    async def GetOrphanReport(
        self, request: transaction_pb2.GetOrphanReportRequest, context: Context
    ) -> transaction_pb2.OrphanReport:
        return messages.orphan_to_proto(await self._orphans.get(request.id))

    async def ReconcileOrphanReport(
        self, request: transaction_pb2.ReconcileOrphanReportRequest, context: Context
    ) -> transaction_pb2.OrphanReport:
        reconciled = await self._orphans.reconcile(
            request.id, request.note, request.transaction_id or None
        )
        return messages.orphan_to_proto(reconciled)

    async def CountActiveTransactions(
        self, request: transaction_pb2.CountActiveTransactionsRequest, context: Context
    ) -> transaction_pb2.CountActiveTransactionsResponse:
        count = await self._use_cases.count_active(request.id_tag)
        return transaction_pb2.CountActiveTransactionsResponse(count=count)

    async def CountTransactions(
        self, request: transaction_pb2.CountTransactionsRequest, context: Context
    ) -> transaction_pb2.CountTransactionsResponse:
        counts = await self._use_cases.count()
        return transaction_pb2.CountTransactionsResponse(
            active=counts.active, completed=counts.completed
        )

    async def ReserveNow(
        self, request: transaction_pb2.ReserveNowRequest, context: Context
    ) -> transaction_pb2.Reservation:
        reservation = await self._reservations.reserve(
            messages.reservation_request_from_proto(request)
        )
        return messages.reservation_to_proto(reservation)

    async def CancelReservation(
        self, request: transaction_pb2.CancelReservationRequest, context: Context
    ) -> transaction_pb2.Reservation:
        return messages.reservation_to_proto(await self._reservations.cancel(request.id))

    async def GetReservation(
        self, request: transaction_pb2.GetReservationRequest, context: Context
    ) -> transaction_pb2.Reservation:
        return messages.reservation_to_proto(await self._reservations.get(request.id))

    async def ListReservations(
        self, request: transaction_pb2.ListReservationsRequest, context: Context
    ) -> transaction_pb2.ListReservationsResponse:
        page = await self._reservations.list(messages.reservation_query_from_proto(request))
        return messages.reservation_page_to_proto(page)

    async def RecordReservationStatus(
        self, request: reservation_status_pb2.RecordReservationStatusRequest, context: Context
    ) -> reservation_status_pb2.RecordReservationStatusResponse:
        applied = await self._reservations.record_station_update(
            request.charge_point_id,
            request.reservation_id,
            messages.station_update_from_proto(request.status),
        )
        return reservation_status_pb2.RecordReservationStatusResponse(applied=applied)

    # Issue 13: stale transactions.

    async def EndTransaction(
        self, request: closure_pb2.EndTransactionRequest, context: Context
    ) -> transaction_pb2.Transaction:
        ended = await self._closures.end(request.id, request.reason, request.ended_by)
        return messages.transaction_to_proto(ended)

    async def CheckTransaction(
        self, request: closure_pb2.CheckTransactionRequest, context: Context
    ) -> closure_pb2.CheckTransactionResponse:
        outcome = await self._closures.check(request.id)
        response = closure_pb2.CheckTransactionResponse(
            ongoing=bool(outcome.ongoing),
            messages_in_queue=outcome.messages_in_queue,
            ended=outcome.ended is not None,
        )
        if outcome.ended is not None and outcome.ended.closure is not None:
            response.closure.CopyFrom(messages.closure_to_proto(outcome.ended.closure))
        return response
