"""SignCertificate, the part every OCPP version shares (1.6 security whitepaper,
"Installation of a Charge Point certificate"; 2.0.1 A02/A03).

auth_svc's CA decides and signs (the CA key lives there); the session answers the
station Accepted or Rejected from that decision, and when it was signed sends the chain
in CertificateSigned once the answer is out (A02: SignCertificate.conf first, then
CertificateSigned.req). A refusal is recorded as a security event of the station, so
operators see a station asking for a certificate it may not have
(``GET /api/v1/charge-points/{id}/security-events``).
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from csms.auth.v1 import certificates_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from edge.operations.errors import OperationError
from edge.services import AUTH, CHARGEPOINT
from edge.session import Session

LOG = logging.getLogger(__name__)

SignRequest = certificates_pb2.SignChargePointCertificateRequest
SignResponse = certificates_pb2.SignChargePointCertificateResponse

# The security event the CSMS records when its CA refuses a station's request; the
# station's own events are named by OCPP (2.0.1 Appendix 1), this one by the CSMS.
REFUSAL_EVENT = "CertificateSigningRequestRejected"
# SecurityEventNotification techInfo maxLength (OCPP 1.6 security extension and 2.x).
TECH_INFO_LENGTH = 255


async def sign(session: Session, request: SignRequest) -> SignResponse:
    """The CA's decision on ``request``; a refusal is recorded before it is returned."""
    reply = await session.invoke(
        AUTH, session.services.certificates.SignChargePointCertificate, request
    )
    if reply.status != SignResponse.SIGNED:
        LOG.warning(
            "charge_point=%s certificate signing request refused: %s", session.id, reply.reason
        )
        await session.invoke(
            CHARGEPOINT,
            session.services.chargepoint.RecordSecurityEvent,
            refusal_event(session, reply.reason),
        )
    return reply


def refusal_event(session: Session, reason: str) -> chargepoint_pb2.RecordSecurityEventRequest:
    timestamp = Timestamp()
    timestamp.FromDatetime(session.clock.now().astimezone(UTC))
    return chargepoint_pb2.RecordSecurityEventRequest(
        charge_point_id=session.id,
        type=REFUSAL_EVENT,
        timestamp=timestamp,
        tech_info=reason[:TECH_INFO_LENGTH],
    )


async def deliver(session: Session, payload: Any) -> None:
    """Send CertificateSigned (a follow-up of the SignCertificate answer). A refusal or
    silence is logged: the station asks again with a new CSR (2.0.1 A02, 1.6
    CertSigningRepeatTimes), and reports what it found wrong as its own security event."""
    try:
        answer = await session.request(payload, session.response_timeout)
    except OperationError as error:
        LOG.warning("charge_point=%s CertificateSigned failed: %s", session.id, error)
        return
    if answer.status == "Accepted":
        LOG.info("charge_point=%s installed the certificate the CSMS CA signed", session.id)
    else:
        LOG.warning(
            "charge_point=%s rejected the certificate the CSMS CA signed (%s)",
            session.id,
            answer.status,
        )
