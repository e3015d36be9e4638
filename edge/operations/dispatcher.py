"""The dispatcher of EdgeService operations: from an RPC to one OCPP call on the socket
of the charge point it names, in the OCPP version that station speaks.

Version-neutral: what differs between versions comes from
:data:`edge.operations.tables.OPERATION_TABLES` and the session's schemas. Failures are
raised as :mod:`edge.operations.errors`, which the servicer maps to gRPC status once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import Message
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from csms.transaction.v1 import transaction_pb2
from edge import payload_schema
from edge.ocpp_version import OcppVersion
from edge.operations import batches, message_size
from edge.operations.batches import BatchedOperation
from edge.operations.errors import (
    InvalidAnswer,
    InvalidRequest,
    NotConnected,
    OperationError,
    StationCallError,
    Unsupported,
)
from edge.operations.translators import AnswerFault, Operation, VersionOperations
from edge.payload_schema import SchemaSet
from edge.registry import SessionRegistry
from edge.session import RESPONSE_TIMEOUT, Session

LOG = logging.getLogger(__name__)

# RFC 6455 §7.4.1: 1000 is a normal closure; the station is expected to reconnect.
DISCONNECT_CODE = 1000
DISCONNECT_REASON = "disconnected by the CSMS operator"

# Of the time the gRPC caller still gives, this share (at most MAX_MARGIN seconds) is kept
# for the answer to travel back, so the caller reads our "did not answer" message rather
# than its own client's bare deadline error.
MARGIN_SHARE = 0.1
MAX_MARGIN = 0.5


@dataclass(frozen=True)
class SendResult:
    """The station's CALLRESULT payload to a generic Send (camelCase keys)."""

    payload: dict[str, Any]


class UnknownTransaction(OperationError):
    status = grpc.StatusCode.NOT_FOUND


class NoStationTransaction(OperationError):
    """The transaction exists but the station knows it by no id the CSMS holds (an OCPP
    1.6 transaction, or one of another station)."""

    status = grpc.StatusCode.FAILED_PRECONDITION


class LookupUnavailable(OperationError):
    status = grpc.StatusCode.UNAVAILABLE


@dataclass(frozen=True)
class Resolved:
    """A protobuf request with what the edge looked up or allocated for it: the station's
    own transactionId (OCPP 2.x) and a request id (remoteStartId, requestId)."""

    request: Any
    request_id: int = 0
    station_transaction_id: str = ""
    # OCPP 2.x: the id token type auth_svc stores the request's id tag with ("" unknown).
    id_token_type: str = ""


@dataclass(frozen=True)
class Reply:
    """A station's result payload to a resolved request, with that request."""

    payload: Any
    resolved: Resolved


@dataclass(frozen=True)
class ResolvingOperation(Operation):
    """An operation whose call needs what only the edge knows. ``resolve`` (async, the one
    impure step) turns the protobuf request into a :class:`Resolved`; ``request`` then
    receives that :class:`Resolved` and ``answer`` a :class:`Reply`; both stay pure."""

    resolve: Callable[[Any, Lookups], Awaitable[Resolved]]


class Lookups:
    """What a resolve step may ask: a fresh request id, and a CSMS transaction's id at
    the station (from transaction_svc)."""

    def __init__(self, session: Session, request_ids: Iterator[int]) -> None:
        self._session = session
        self._request_ids = request_ids

    def request_id(self) -> int:
        return next(self._request_ids)

    async def stored_token_type(self, id_tag: str, field: str) -> str:
        """The id token type auth_svc stores ``id_tag`` with; "" for one it does not store
        (or cannot, being malformed: the translator then says what is wrong). UNAVAILABLE
        when auth_svc cannot say: nothing is sent with a type the station may not match."""
        services = self._session.services
        try:
            stored = await services.auth.GetIdTag(
                auth_pb2.GetIdTagRequest(id_tag=id_tag), timeout=services.timeout
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                return ""
            raise LookupUnavailable(
                f"{field}: the auth service could not say which id token type {id_tag} has "
                f"({error.code().name}); nothing was sent: retry later, or name id_token_type"
            ) from None
        return stored.id_token_type

    async def station_transaction_id(self, transaction_id: int, field: str) -> str:
        """NOT_FOUND for a transaction the CSMS does not know; FAILED_PRECONDITION for one
        the station cannot be asked about by its own id (OCPP 1.6, another station)."""
        services = self._session.services
        try:
            transaction = await services.transaction.GetTransaction(
                transaction_pb2.GetTransactionRequest(id=transaction_id),
                timeout=services.timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise UnknownTransaction(f"{field}: no transaction {transaction_id}") from None
            raise LookupUnavailable(
                f"{field}: the transaction service could not look up transaction "
                f"{transaction_id} ({error.code().name}); retry later"
            ) from None
        if transaction.charge_point_id != self._session.id:
            raise NoStationTransaction(
                f"{field}: transaction {transaction_id} is of charge point "
                f"{transaction.charge_point_id}, not {self._session.id}"
            )
        if not transaction.station_transaction_id:
            raise NoStationTransaction(
                f"{field}: transaction {transaction_id} has no OCPP 2.x transactionId (it "
                f"was started in OCPP {transaction.ocpp_version or '1.6'}), so "
                f"OCPP {self._session.version.name} cannot name it"
            )
        return transaction.station_transaction_id


def wait_budget(remaining: float | None, cap: float) -> float:
    """How long to wait for a station: the caller's remaining deadline less a margin,
    and never more than ``cap`` (a caller without a deadline gets ``cap``)."""
    if remaining is None:
        return cap
    margin = min(remaining * MARGIN_SHARE, MAX_MARGIN)
    return max(0.0, min(cap, remaining - margin))


class Dispatcher:
    """Looks up the session, translates with its version's table, sends, translates back."""

    def __init__(
        self,
        registry: SessionRegistry,
        tables: Mapping[OcppVersion, VersionOperations],
        request_ids: Iterator[int],
        *,
        cap: float = RESPONSE_TIMEOUT,
        max_message_bytes: int = 65536,
    ) -> None:
        self._registry = registry
        self._tables = tables
        self._cap = cap
        # CSMS_MAX_MESSAGE_BYTES: no CALL larger than what the edge itself accepts is sent.
        self._max_message_bytes = max_message_bytes
        # remoteStartId / requestId of OCPP 2.x calls: the edge's one allocator, shared
        # with the sessions (their boot-time GetBaseReport), so ids never repeat for a
        # station during this edge's lifetime.
        self._request_ids = request_ids

    def session(self, charge_point_id: str) -> Session:
        session = self._registry.get(charge_point_id)
        if session is None:
            raise NotConnected(charge_point_id)
        return session

    async def perform(
        self, name: str, charge_point_id: str, request: Message, remaining: float | None
    ) -> Any:
        """The typed operation ``name`` (its RPC name): the protobuf response."""
        session = self.session(charge_point_id)
        table = self._tables.get(session.version)
        operation = None if table is None else table.typed.get(name)
        if operation is None:
            raise Unsupported(session.version.name, name)
        if isinstance(operation, BatchedOperation):
            return await self._perform_batched(session, operation, request, remaining)
        given: Any = request
        if isinstance(operation, ResolvingOperation):
            given = await operation.resolve(request, Lookups(session, self._request_ids))
        payload = operation.request(given)
        # The library sends the action its payload class names; an operation may choose
        # between actions by request (GetBaseReport or GetReport).
        action = type(payload).__name__
        checked = as_json(payload)
        check_request(session.schemas, session.version, action, checked)
        await self._check_size(session, action, checked)
        answer = await session.request(payload, wait_budget(remaining, self._cap))
        if isinstance(given, Resolved):
            answer = Reply(answer, given)
        try:
            return operation.answer(answer)
        except AnswerFault as fault:
            raise InvalidAnswer(session.id, action, str(fault)) from None

    async def send(
        self,
        charge_point_id: str,
        action: str,
        payload: Mapping[str, Any],
        remaining: float | None,
    ) -> SendResult | StationCallError:
        """Any action the CSMS may send in the station's version, its payload checked
        first; a CALLERROR is an answer here, returned rather than raised."""
        session = self.session(charge_point_id)
        table = self._tables.get(session.version)
        if table is None:
            raise Unsupported(session.version.name, "Send")
        if action not in table.outgoing_actions:
            raise InvalidRequest(
                f"{action!r} is not an action a CSMS sends in OCPP {session.version.name}; "
                f"use one of: {', '.join(sorted(table.outgoing_actions))}"
            )
        converted = payload_schema.integral_numbers(session.schemas, action, dict(payload))
        check_request(session.schemas, session.version, action, converted)
        await self._check_size(session, action, converted)
        call = getattr(table.calls, action)(**camel_to_snake_case(converted))
        try:
            answer = await session.request(call, wait_budget(remaining, self._cap))
        except StationCallError as refusal:
            return refusal
        return SendResult(as_json(answer))

    async def _perform_batched(
        self,
        session: Session,
        operation: BatchedOperation,
        request: Message,
        remaining: float | None,
    ) -> Any:
        """The request's items in as many CALLs as the station's device model allows
        (OCPP 2.0.1 B05/B06, DeviceDataCtrlr.ItemsPerMessage and BytesPerMessage), one
        after the other within the caller's one deadline; the answers merged in request
        order, and what the station read or took stored in its device model."""
        started = time.monotonic()
        action = operation.action
        model = await _device_model(session)
        # Only a complete report (reported_at set) names every component and variable.
        known = model.variables if model is not None and model.HasField("reported_at") else None
        items = operation.items(request, known)
        variables = _device_data_variables(model)
        if len(items) > 1 and not message_size.knows_item_limit(action, variables):
            # A report still arriving (or none yet) leaves the limit unknown: ask the
            # station, rather than send more than it takes (OCPP 2.0.1 B05/B06).
            variables += await self._ask_limits(session, action, remaining)
        limit = message_size.message_limit(action, variables, self._max_message_bytes)

        def size(batch: Any) -> int:
            return message_size.frame_bytes(action, as_json(operation.request(batch)))

        pairs = []
        for batch in batches.split(items, limit, size, "variables"):
            payload = operation.request(batch)
            check_request(session.schemas, session.version, action, as_json(payload))
            left = None if remaining is None else remaining - (time.monotonic() - started)
            pairs.append((batch, await session.request(payload, wait_budget(left, self._cap))))
        try:
            response = operation.answer(pairs)
        except AnswerFault as fault:
            raise InvalidAnswer(session.id, action, str(fault)) from None
        await _record_variables(session, operation.record(response))
        return response

    async def _ask_limits(
        self, session: Session, action: str, remaining: float | None
    ) -> list[tuple[str, str, str, str]]:
        """The station's DeviceDataCtrlr ItemsPerMessage and BytesPerMessage for ``action``,
        read with one GetVariables; none when it cannot say (the CALL is then held to
        CSMS_MAX_MESSAGE_BYTES alone, as before)."""
        table = self._tables.get(session.version)
        component = message_size.CONTROLLERS.get(action)
        if table is None or component is None or not hasattr(table.calls, "GetVariables"):
            return []
        asked = [
            {"component": {"name": component}, "variable": {"name": name, "instance": action}}
            for name in ("ItemsPerMessage", "BytesPerMessage")
        ]
        call = table.calls.GetVariables(get_variable_data=asked)
        try:
            answer = await session.request(call, wait_budget(remaining, self._cap))
        except StationCallError:
            return []
        found = []
        for result in getattr(answer, "get_variable_result", None) or []:
            if str(result.get("attribute_status", "")) != "Accepted":
                continue
            variable = result.get("variable", {})
            found.append(
                (
                    component,
                    str(variable.get("name", "")),
                    str(variable.get("instance", "")),
                    str(result.get("attribute_value", "")),
                )
            )
        return found

    async def _check_size(self, session: Session, action: str, payload: Mapping[str, Any]) -> None:
        """Refuse a CALL larger than the station takes; its device model is read only for
        the actions it can limit (OCPP 2.x GetReport, GetVariables, SetVariables,
        SetVariableMonitoring, ClearVariableMonitoring)."""
        variables: list[tuple[str, str, str, str]] = []
        if action in message_size.ITEM_LISTS:
            variables = _device_data_variables(await _device_model(session))
        limit = message_size.message_limit(action, variables, self._max_message_bytes)
        message_size.check_message_size(limit, session.id, action, payload)

    async def disconnect(self, charge_point_id: str) -> None:
        session = self.session(charge_point_id)
        LOG.info("charge_point=%s disconnected by the CSMS operator", charge_point_id)
        await session.close(DISCONNECT_CODE, DISCONNECT_REASON)


async def _device_model(session: Session) -> chargepoint_pb2.DeviceModel | None:
    """The station's reported device model, from chargepoint_svc; None when it cannot say
    (the edge then holds a CALL to CSMS_MAX_MESSAGE_BYTES alone and checks no names)."""
    services = session.services
    try:
        model: chargepoint_pb2.DeviceModel = await services.chargepoint.GetDeviceModel(
            chargepoint_pb2.GetDeviceModelRequest(charge_point_id=session.id),
            timeout=services.timeout,
        )
    except grpc.aio.AioRpcError as error:
        LOG.warning(
            "charge_point=%s device model unavailable (%s); message size checked against "
            "CSMS_MAX_MESSAGE_BYTES only",
            session.id,
            error.code().name,
        )
        return None
    return model


def _device_data_variables(
    model: chargepoint_pb2.DeviceModel | None,
) -> list[tuple[str, str, str, str]]:
    """The station's reported DeviceDataCtrlr Actual values."""
    if model is None:
        return []
    return [
        (v.component, v.variable, v.variable_instance, v.value)
        for v in model.variables
        if v.component in message_size.LIMITING_COMPONENTS and v.attribute_type in {"", "Actual"}
    ]


async def _record_variables(
    session: Session, variables: list[chargepoint_pb2.ReportedVariable]
) -> None:
    """Stores what the station read or took. The station has already acted, so a
    chargepoint_svc that cannot store it does not turn its answer into an error (an
    operator retrying would set the values again); the device model catches up at the
    next report."""
    if not variables:
        return
    services = session.services
    try:
        await services.chargepoint.RecordVariableResults(
            chargepoint_pb2.RecordVariableResultsRequest(
                charge_point_id=session.id, variables=variables
            ),
            timeout=services.timeout,
        )
    except grpc.aio.AioRpcError as error:
        LOG.warning(
            "charge_point=%s %d variable results not stored in the device model (%s: %s)",
            session.id,
            len(variables),
            error.code().name,
            error.details(),
        )


def check_request(
    schemas: SchemaSet, version: OcppVersion, action: str, payload: Mapping[str, Any]
) -> None:
    """INVALID_ARGUMENT naming the field when ``payload`` breaks the request schema."""
    violation = payload_schema.violation(schemas, action, payload, answer=False)
    if violation is not None:
        raise InvalidRequest(f"{action} would not be valid OCPP {version.name}: {violation}")


def as_json(payload: Any) -> dict[str, Any]:
    """A library payload dataclass as the JSON object it is sent or received as."""
    converted: dict[str, Any] = snake_to_camel_case(remove_nones(serialize_as_dict(payload)))
    return converted
