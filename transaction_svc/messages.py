"""Translation between ``csms.transaction.v1`` protobuf messages and domain values.

Protobuf leaves nothing "unset" for scalars, so the conventions live here: 0 ids mean none,
an unset timestamp is missing, and an unspecified stop reason is Local.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.timestamp_pb2 import Timestamp

from csms.auth.v1 import auth_pb2
from csms.common.v1 import meter_pb2
from csms.transaction.v1 import closure_pb2, reservation_status_pb2, transaction_pb2
from servicekit.pagination import PageRequest, next_page_token
from servicekit.timestamps import from_timestamp, to_timestamp
from transaction_svc.domain.authorization import Authorization
from transaction_svc.domain.closure import Closure
from transaction_svc.domain.meter_values import MeterReport, MeterValue, SampledValue
from transaction_svc.domain.orphan import OrphanPage, OrphanQuery, OrphanReport
from transaction_svc.domain.reservation import (
    Reservation,
    ReservationPage,
    ReservationQuery,
    ReservationRequest,
    ReservationStatus,
    StationUpdate,
)
from transaction_svc.domain.transaction import (
    StopReason,
    Transaction,
    TransactionPage,
    TransactionQuery,
    TransactionStart,
    TransactionStatus,
    TransactionStop,
)
from transaction_svc.domain.transaction_event import TransactionEvent, TransactionEventType
from transaction_svc.errors import InvalidTransactionRequest

Pb = transaction_pb2.Transaction
EventPb = transaction_pb2.RecordTransactionEventRequest
ReservationPb = transaction_pb2.Reservation
OrphanPb = transaction_pb2.OrphanReport


def _required_time(stamp: Timestamp, field: str) -> datetime:
    moment = from_timestamp(stamp)
    if moment is None:
        raise InvalidTransactionRequest(f"{field} must be set: when did it happen?")
    return moment


def _enum_name(enum: EnumDescriptor, value: int, field: str) -> str:
    """The member name of a protobuf enum value; a number this API does not define (a newer
    client) is a wrong request, not a crash."""
    member = enum.values_by_number.get(value)
    if member is None:
        raise InvalidTransactionRequest(f"{field}={value} is not a value this API defines")
    return member.name


def meter_values_from_proto(
    values: Iterable[meter_pb2.MeterValue], field: str
) -> tuple[MeterValue, ...]:
    return tuple(
        MeterValue(
            timestamp=_required_time(value.timestamp, f"{field}[{index}].timestamp"),
            sampled_values=tuple(
                SampledValue(
                    value=sample.value,
                    measurand=sample.measurand,
                    unit=sample.unit,
                    context=sample.context,
                    phase=sample.phase,
                    location=sample.location,
                    signed_data=sample.signed_data or None,
                )
                for sample in value.sampled_values
            ),
        )
        for index, value in enumerate(values)
    )


def start_from_proto(request: transaction_pb2.StartTransactionRequest) -> TransactionStart:
    return TransactionStart(
        charge_point_id=request.charge_point_id,
        evse_id=request.evse_id,
        connector_id=request.connector_id,
        id_tag=request.id_tag,
        meter_start_wh=request.meter_start_wh,
        started_at=_required_time(request.timestamp, "timestamp"),
        reservation_id=request.reservation_id or None,
        ocpp_version=request.ocpp_version,
    )


def _stop_reason(value: int, field: str) -> StopReason:
    # OCPP 1.6 §6.50 (StopTransaction.req) and 2.0.1 TransactionType.stoppedReason: the
    # reason may only be omitted when it is Local.
    if value == Pb.STOP_REASON_UNSPECIFIED:
        return StopReason.LOCAL
    return StopReason[_enum_name(Pb.StopReason.DESCRIPTOR, value, field)]


def event_from_proto(request: transaction_pb2.RecordTransactionEventRequest) -> TransactionEvent:
    if request.event_type == EventPb.EVENT_TYPE_UNSPECIFIED:
        raise InvalidTransactionRequest("event_type must be set: STARTED, UPDATED or ENDED")
    event_type = _enum_name(EventPb.EventType.DESCRIPTOR, request.event_type, "event_type")
    return TransactionEvent(
        charge_point_id=request.charge_point_id,
        ocpp_version=request.ocpp_version,
        event_type=TransactionEventType[event_type],
        timestamp=_required_time(request.timestamp, "timestamp"),
        trigger_reason=request.trigger_reason,
        seq_no=request.seq_no,
        station_transaction_id=request.station_transaction_id,
        offline=request.offline,
        charging_state=request.charging_state or None,
        stopped_reason=_stop_reason(request.stopped_reason, "stopped_reason"),
        reservation_id=request.reservation_id or None,
        evse_id=request.evse_id,
        connector_id=request.connector_id,
        id_tag=request.id_tag or None,
        id_token_type=request.id_token_type,
        meter_values=meter_values_from_proto(request.meter_values, "meter_values"),
    )


def stop_from_proto(request: transaction_pb2.StopTransactionRequest) -> TransactionStop:
    reason = _stop_reason(request.reason, "reason")
    return TransactionStop(
        charge_point_id=request.charge_point_id,
        transaction_id=request.transaction_id,
        meter_stop_wh=request.meter_stop_wh,
        stopped_at=_required_time(request.timestamp, "timestamp"),
        reason=reason,
        id_tag=request.id_tag or None,
        meter_values=meter_values_from_proto(request.meter_values, "meter_values"),
    )


def report_from_proto(request: transaction_pb2.RecordMeterValuesRequest) -> MeterReport:
    return MeterReport(
        charge_point_id=request.charge_point_id,
        evse_id=request.evse_id,
        connector_id=request.connector_id,
        transaction_id=request.transaction_id or None,
        meter_values=meter_values_from_proto(request.meter_values, "meter_values"),
    )


def _page(page_size: int, page_token: str, scope: str = "") -> tuple[int, int | None]:
    """The page size and the id the page starts below (keyset pagination on ids)."""
    page = PageRequest.parse(page_size, page_token, scope)
    if page.after is None:
        return page.size, None
    if not page.after.isdigit():
        raise InvalidTransactionRequest(
            "page_token is not a token this API gave out; pass next_page_token unchanged"
        )
    return page.size, int(page.after)


def query_from_proto(request: transaction_pb2.ListTransactionsRequest) -> TransactionQuery:
    filters = TransactionQuery(
        limit=0,
        charge_point_id=request.charge_point_id or None,
        status=(
            None
            if request.status == Pb.STATUS_UNSPECIFIED
            else TransactionStatus[_enum_name(Pb.Status.DESCRIPTOR, request.status, "status")]
        ),
        id_tag=request.id_tag or None,
        started_after=from_timestamp(request.started_after),
        started_before=from_timestamp(request.started_before),
    )
    limit, before_id = _page(request.page_size, request.page_token, filters.scope)
    return replace(filters, limit=limit, before_id=before_id)


def id_token_info_to_proto(authorization: Authorization) -> auth_pb2.IdTokenInfo:
    return auth_pb2.IdTokenInfo(
        status=auth_pb2.IdTokenInfo.Status.Value(authorization.status.name),
        expires_at=to_timestamp(authorization.expires_at),
        parent_id_tag=authorization.parent_id_tag or "",
    )


def meter_value_to_proto(value: MeterValue) -> meter_pb2.MeterValue:
    return meter_pb2.MeterValue(
        timestamp=to_timestamp(value.timestamp),
        sampled_values=[
            meter_pb2.SampledValue(
                value=sample.value,
                measurand=sample.measurand,
                unit=sample.unit,
                context=sample.context,
                phase=sample.phase,
                location=sample.location,
                signed_data=sample.signed_data or "",
            )
            for sample in value.sampled_values
        ],
    )


def transaction_to_proto(transaction: Transaction) -> transaction_pb2.Transaction:
    return transaction_pb2.Transaction(
        id=transaction.id,
        charge_point_id=transaction.charge_point_id,
        evse_id=transaction.evse_id,
        connector_id=transaction.connector_id,
        id_tag=transaction.id_tag,
        status=Pb.Status.Value(transaction.status.name),
        meter_start_wh=transaction.meter_start_wh,
        meter_stop_wh=transaction.meter_stop_wh or 0.0,
        energy_wh=transaction.energy_wh,
        started_at=to_timestamp(transaction.started_at),
        stopped_at=to_timestamp(transaction.stopped_at),
        stop_reason=(
            Pb.STOP_REASON_UNSPECIFIED
            if transaction.stop_reason is None
            else Pb.StopReason.Value(transaction.stop_reason.name)
        ),
        stop_id_tag=transaction.stop_id_tag or "",
        reservation_id=transaction.reservation_id or 0,
        ocpp_version=transaction.ocpp_version,
        authorization_status=(
            auth_pb2.IdTokenInfo.STATUS_UNSPECIFIED
            if transaction.authorization_status is None
            else auth_pb2.IdTokenInfo.Status.Value(transaction.authorization_status.name)
        ),
        meter_values=[meter_value_to_proto(value) for value in transaction.meter_values],
        station_transaction_id=transaction.station_transaction_id or "",
        charging_state=transaction.charging_state or "",
        id_token_type=transaction.id_token_type or "",
        closure=None if transaction.closure is None else closure_to_proto(transaction.closure),
    )


def closure_to_proto(closure: Closure) -> closure_pb2.Closure:
    return closure_pb2.Closure(
        cause=closure_pb2.Closure.Cause.Value(closure.cause.name),
        reason=closure.note,
        ended_by=closure.closed_by,
    )


def page_to_proto(page: TransactionPage) -> transaction_pb2.ListTransactionsResponse:
    return transaction_pb2.ListTransactionsResponse(
        transactions=[transaction_to_proto(t) for t in page.transactions],
        next_page_token=next_page_token(
            None if page.next_before_id is None else str(page.next_before_id), page.scope
        ),
        total_size=page.total_size,
    )


def orphan_query_from_proto(request: transaction_pb2.ListOrphanReportsRequest) -> OrphanQuery:
    limit, before_id = _page(request.page_size, request.page_token)
    return OrphanQuery(
        limit=limit,
        before_id=before_id,
        charge_point_id=request.charge_point_id or None,
        unreconciled=request.unreconciled,
    )


def orphan_to_proto(orphan: OrphanReport) -> transaction_pb2.OrphanReport:
    content = orphan.content
    reason = content.stop_reason
    reconciliation = orphan.reconciliation
    return transaction_pb2.OrphanReport(
        id=orphan.id,
        charge_point_id=content.charge_point_id,
        kind=OrphanPb.Kind.Value(content.kind.name),
        cause=OrphanPb.Cause.Value(content.cause.name),
        transaction_id=content.transaction_id or 0,
        station_transaction_id=content.station_transaction_id or "",
        evse_id=content.evse_id,
        connector_id=content.connector_id,
        meter_stop_wh=content.meter_stop_wh or 0.0,
        stopped_at=to_timestamp(content.stopped_at),
        stop_reason=(
            Pb.STOP_REASON_UNSPECIFIED if reason is None else Pb.StopReason.Value(reason.name)
        ),
        id_tag=content.id_tag or "",
        meter_values=[meter_value_to_proto(value) for value in content.meter_values],
        received_at=to_timestamp(orphan.received_at),
        reconciled_at=None if reconciliation is None else to_timestamp(reconciliation.at),
        reconciliation_note="" if reconciliation is None else reconciliation.note,
        reconciled_transaction_id=(
            0 if reconciliation is None else reconciliation.transaction_id or 0
        ),
    )


def orphan_page_to_proto(page: OrphanPage) -> transaction_pb2.ListOrphanReportsResponse:
    return transaction_pb2.ListOrphanReportsResponse(
        orphan_reports=[orphan_to_proto(o) for o in page.orphan_reports],
        next_page_token=next_page_token(
            None if page.next_before_id is None else str(page.next_before_id)
        ),
    )


def reservation_request_from_proto(
    request: transaction_pb2.ReserveNowRequest,
) -> ReservationRequest:
    return ReservationRequest(
        charge_point_id=request.charge_point_id,
        evse_id=request.evse_id,
        id_tag=request.id_tag,
        parent_id_tag=request.parent_id_tag or None,
        expires_at=from_timestamp(request.expires_at) if request.HasField("expires_at") else None,
        connector_type=request.connector_type or None,
        id_token_type=request.id_token_type or None,
    )


_StationUpdatePb = reservation_status_pb2.RecordReservationStatusRequest.Status


def station_update_from_proto(value: int) -> StationUpdate:
    """The station's word for how it ended a reservation; none is the edge's mistake."""
    if value == _StationUpdatePb.STATUS_UNSPECIFIED:
        raise InvalidTransactionRequest("status must be EXPIRED, REMOVED or NO_TRANSACTION")
    return StationUpdate[_enum_name(_StationUpdatePb.DESCRIPTOR, value, "status")]


def reservation_query_from_proto(
    request: transaction_pb2.ListReservationsRequest,
) -> ReservationQuery:
    limit, before_id = _page(request.page_size, request.page_token)
    status = None
    if request.status != ReservationPb.STATUS_UNSPECIFIED:
        name = _enum_name(ReservationPb.Status.DESCRIPTOR, request.status, "status")
        status = ReservationStatus[name]
    return ReservationQuery(
        limit=limit,
        before_id=before_id,
        charge_point_id=request.charge_point_id or None,
        status=status,
    )


def reservation_to_proto(reservation: Reservation) -> transaction_pb2.Reservation:
    return transaction_pb2.Reservation(
        id=reservation.id,
        charge_point_id=reservation.charge_point_id,
        evse_id=reservation.evse_id,
        id_tag=reservation.id_tag,
        parent_id_tag=reservation.parent_id_tag or "",
        expires_at=to_timestamp(reservation.expires_at),
        status=ReservationPb.Status.Value(reservation.status.name),
        station_status=reservation.station_status or "",
        created_at=to_timestamp(reservation.created_at),
        transaction_id=reservation.transaction_id or 0,
        connector_type=reservation.connector_type or "",
        id_token_type=reservation.id_token_type,
        station_update=""
        if reservation.station_update is None
        else reservation.station_update.value,
    )


def reservation_page_to_proto(page: ReservationPage) -> transaction_pb2.ListReservationsResponse:
    return transaction_pb2.ListReservationsResponse(
        reservations=[reservation_to_proto(r) for r in page.reservations],
        next_page_token=next_page_token(
            None if page.next_before_id is None else str(page.next_before_id)
        ),
    )
