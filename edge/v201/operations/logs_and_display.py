"""OCPP 2.x customer information (N09-N10) and display messages (O01-O06): the
chargepoint_svc's requests as calls, the stations' answers as the status words they sent
(chargepoint_svc keeps them as such). Pure."""

from __future__ import annotations

from typing import Any

from csms.edge.v1 import certificates_pb2
from csms.edge.v1 import logs_and_display_pb2 as pb
from edge.operations.dispatcher import Reply, Resolved
from edge.operations.errors import InvalidRequest
from edge.v16.operations.fields import choice, required
from edge.v201.display_messages import message_info, optional_priority, optional_state
from edge.v201.operations.fields import CARD, Kwargs, id_token

Hash = certificates_pb2.CertificateHashData
_HASH = {Hash.SHA256: "SHA256", Hash.SHA384: "SHA384", Hash.SHA512: "SHA512"}


def customer_information_request(resolved: Resolved) -> Kwargs:
    """N09/N10: report and/or clear (CustomerInformationRequest: at least one true) the data
    of a customer named by exactly one of customerIdentifier, idToken and
    customerCertificate (N09.FR.03)."""
    request: pb.CustomerInformationRequest = resolved.request
    if not (request.report or request.clear):
        raise InvalidRequest("report or clear (or both) must be true")
    certificate = request.customer_certificate if request.HasField("customer_certificate") else None
    named = sum(
        bool(given) for given in (request.customer_identifier, request.id_token, certificate)
    )
    if named != 1:
        raise InvalidRequest(
            "name the customer in exactly one of customer_identifier, id_token and "
            "customer_certificate"
        )
    return {
        "request_id": resolved.request_id,
        "report": request.report,
        "clear": request.clear,
        "customer_identifier": request.customer_identifier or None,
        "id_token": id_token(request.id_token, request.id_token_type or CARD)
        if request.id_token
        else None,
        "customer_certificate": _hash_data(certificate) if certificate is not None else None,
    }


def _hash_data(certificate: Hash) -> Kwargs:
    field = "customer_certificate"
    return {
        "hash_algorithm": choice(
            certificate.hash_algorithm,
            _HASH,
            f"{field}.hash_algorithm",
            Hash.HashAlgorithm.DESCRIPTOR,
        ),
        "issuer_name_hash": required(certificate.issuer_name_hash, f"{field}.issuer_name_hash"),
        "issuer_key_hash": required(certificate.issuer_key_hash, f"{field}.issuer_key_hash"),
        "serial_number": required(certificate.serial_number, f"{field}.serial_number"),
    }


def customer_information_answer(reply: Reply) -> pb.CustomerInformationResponse:
    """CustomerInformationStatusEnumType as the station wrote it."""
    return pb.CustomerInformationResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )


def set_message_request(request: pb.SetDisplayMessageRequest) -> Kwargs:
    """O01: the message to show (O01.FR.01: the station stores it by its id)."""
    return {"message": message_info(request.message)}


def set_message_answer(answer: Any) -> pb.SetDisplayMessageResponse:
    return pb.SetDisplayMessageResponse(status=answer.status)


def get_messages_request(resolved: Resolved) -> Kwargs:
    """O04: the station answers, then sends the matching messages in NotifyDisplayMessages
    parts with this requestId."""
    request: pb.GetDisplayMessagesRequest = resolved.request
    if any(message_id < 0 for message_id in request.ids):
        raise InvalidRequest(f"ids must be 0 or more, got {list(request.ids)}")
    return {
        "request_id": resolved.request_id,
        "id": list(request.ids) or None,
        "priority": optional_priority(request.priority, "priority"),
        "state": optional_state(request.state, "state"),
    }


def get_messages_answer(reply: Reply) -> pb.GetDisplayMessagesResponse:
    return pb.GetDisplayMessagesResponse(
        status=reply.payload.status, request_id=reply.resolved.request_id
    )


def clear_message_request(request: pb.ClearDisplayMessageRequest) -> Kwargs:
    if request.id < 0:
        raise InvalidRequest(f"id must be 0 or more, got {request.id}")
    return {"id": request.id}


def clear_message_answer(answer: Any) -> pb.ClearDisplayMessageResponse:
    return pb.ClearDisplayMessageResponse(status=answer.status)
