"""Admission at the WebSocket handshake: may this charge point connect, and did it prove
who it is? Asked after :func:`edge.handshake.decide` accepted the URL and the version,
before the upgrade, so a refusal is a plain HTTP answer (docs/design.md §3).

The edge decides nothing itself: chargepoint_svc says whether the charge point may
connect (``CheckAdmission``: an unknown one is refused under the strict admission
policy), auth_svc whether the handshake meets its security profile
(``AuthenticateChargePoint``). Both are asked at once. Refusals:

- 404: unknown charge point under strict admission;
- 401 (with a Basic challenge): credentials missing or wrong;
- 403: the connection cannot meet the profile (no TLS, no or another client certificate);
- 503: a service did not answer; the station retries later, as it does after any
  failed connection attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from http import HTTPStatus
from typing import TypeVar

import grpc

from csms.auth.v1 import auth_pb2
from csms.chargepoint.v1 import chargepoint_pb2
from edge.credentials import Presented
from edge.handshake import Refusal
from edge.services import AUTH, CHARGEPOINT, Services

LOG = logging.getLogger(__name__)

_Outcome = auth_pb2.AuthenticateChargePointResponse
_REFUSALS = {
    _Outcome.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    _Outcome.FORBIDDEN: HTTPStatus.FORBIDDEN,
}

Answer = TypeVar("Answer")


class Gatekeeper:
    """Asks the services about one handshake at a time (many concurrently)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def admit(self, charge_point_id: str, presented: Presented) -> Refusal | None:
        """None when the charge point may connect; else the refusal to answer with."""
        services = self._services
        username, password = presented.basic or ("", "")
        admission, authentication = await asyncio.gather(
            _ask(
                CHARGEPOINT,
                charge_point_id,
                services.chargepoint.CheckAdmission(
                    chargepoint_pb2.CheckAdmissionRequest(charge_point_id=charge_point_id),
                    timeout=services.timeout,
                ),
            ),
            _ask(
                AUTH,
                charge_point_id,
                services.auth.AuthenticateChargePoint(
                    auth_pb2.AuthenticateChargePointRequest(
                        charge_point_id=charge_point_id,
                        basic_auth=presented.basic is not None,
                        username=username,
                        password=password,
                        tls=presented.tls,
                        client_certificate_cn=presented.client_certificate_cn or "",
                    ),
                    timeout=services.timeout,
                ),
            ),
        )
        if isinstance(admission, Refusal):
            return admission
        if isinstance(authentication, Refusal):
            return authentication
        if not admission.admitted:
            return Refusal(HTTPStatus.NOT_FOUND, admission.reason)
        if authentication.outcome == _Outcome.ADMITTED:
            return None
        status = _REFUSALS.get(authentication.outcome)
        if status is None:
            LOG.warning(
                "charge_point=%s: the auth service gave no decision (%d)",
                charge_point_id,
                authentication.outcome,
            )
            return _unavailable(AUTH)
        return Refusal(status, authentication.reason)


async def _ask(service: str, charge_point_id: str, call: Awaitable[Answer]) -> Answer | Refusal:
    """The service's answer, or a 503 when it failed: whatever went wrong, the station
    can do nothing but retry, and the details (addresses, stack) are for the log."""
    try:
        return await call
    except grpc.aio.AioRpcError as error:
        LOG.warning(
            "charge_point=%s handshake: the %s service failed: %s %s",
            charge_point_id,
            service,
            error.code().name,
            error.details(),
        )
        return _unavailable(service)


def _unavailable(service: str) -> Refusal:
    return Refusal(
        HTTPStatus.SERVICE_UNAVAILABLE,
        f"the CSMS cannot admit charge points right now (the {service} service is "
        "unavailable); retry later",
    )
