"""Charge point credentials: setting them, reading them without the password, changing
the password on the station too, and authenticating a WebSocket handshake.

Password hashing is CPU work of tens of milliseconds, so it runs in a worker thread and
never inside a database transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from auth_svc.domain.credentials import (
    Credentials,
    Decision,
    Outcome,
    PasswordCheck,
    Presented,
    SecurityProfile,
    authenticate,
    check_charge_point_id,
    check_profile,
    effective_profile,
)
from auth_svc.domain.passwords import check_password, hash_password, verify_password
from auth_svc.errors import InvalidRequest, PasswordNotAccepted
from auth_svc.ports import Stations, UnitOfWork
from servicekit.clock import Clock
from servicekit.edge_errors import StationDidNotAnswer

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class CredentialView:
    """What an operator may see of a charge point's credentials: never a password."""

    charge_point_id: str
    security_profile: SecurityProfile
    effective_security_profile: SecurityProfile
    password_set: bool
    password_change_pending: bool
    updated_at: datetime | None
    # An accepted higher profile not yet in force (A05); None: none.
    pending_security_profile: SecurityProfile | None = None


class CredentialUseCases:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        stations: Stations,
        *,
        minimum_profile: int,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stations = stations
        self._minimum = minimum_profile

    async def set(
        self, charge_point_id: str, security_profile: int, password: str
    ) -> CredentialView:
        """Set the profile and, when ``password`` is not empty, the password (which also
        drops a pending change). Profiles 1 and 2 need a password, given now or stored."""
        check_charge_point_id(charge_point_id)
        profile = check_profile(security_profile)
        new_hash = (
            await asyncio.to_thread(hash_password, check_password(password)) if password else None
        )
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id)
            password_hash = new_hash or (stored.password_hash if stored else None)
            if password_hash is None and profile in (
                SecurityProfile.BASIC_AUTH,
                SecurityProfile.TLS_BASIC_AUTH,
            ):
                raise InvalidRequest(
                    f"security profile {int(profile)} authenticates with a password: send "
                    "password (16 to 40 characters) too"
                )
            credentials = Credentials(
                charge_point_id,
                profile,
                password_hash,
                None if new_hash else (stored.pending_password_hash if stored else None),
                self._clock.now(),
            )
            await uow.credentials.put(credentials)
            await uow.commit()
        LOG.info(
            "credentials set charge_point_id=%s security_profile=%d password_changed=%s",
            charge_point_id,
            profile,
            new_hash is not None,
        )
        return self._view(charge_point_id, credentials)

    async def get(self, charge_point_id: str) -> CredentialView:
        check_charge_point_id(charge_point_id)
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id)
        return self._view(charge_point_id, stored)

    async def change_password(self, charge_point_id: str, password: str) -> CredentialView:
        """Send a new Basic auth password to the station and store it (OCPP 1.6 security
        whitepaper, ChangeConfiguration AuthorizationKey; 2.0.1 A01 SetVariables
        SecurityCtrlr.BasicAuthPassword).

        The new password is stored as pending first: a station that accepts it closes its
        connection and reconnects with it at once (OCPP 2.0.1 A01), possibly before its
        answer is processed here. Once the station answered Accepted (or RebootRequired)
        it becomes the password; any other answer, or an error before the station could
        act on it, drops it. When the station did not answer in time, it stays pending:
        the first connection that uses it confirms it.
        """
        check_charge_point_id(charge_point_id)
        new_hash = await asyncio.to_thread(hash_password, check_password(password))
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id) or Credentials(
                charge_point_id, SecurityProfile.NONE, None, None, self._clock.now()
            )
            await uow.credentials.put(stored.with_pending(new_hash, self._clock.now()))
            await uow.commit()
        try:
            status = await self._stations.set_basic_auth_password(charge_point_id, password)
        except StationDidNotAnswer:
            LOG.warning(
                "charge_point_id=%s did not answer its new password; it stays pending",
                charge_point_id,
            )
            raise
        except BaseException:
            await self._settle(charge_point_id, new_hash, confirm=False)
            raise
        credentials = await self._settle(charge_point_id, new_hash, confirm=status.taken)
        LOG.info(
            "password change charge_point_id=%s station answered %s", charge_point_id, status.name
        )
        if not status.taken:
            raise PasswordNotAccepted(charge_point_id, status.name)
        return self._view(charge_point_id, credentials)

    async def _settle(
        self, charge_point_id: str, new_hash: str, *, confirm: bool
    ) -> Credentials | None:
        """Confirm or drop the pending password, unless another change replaced it."""
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id)
            if stored is None or stored.pending_password_hash != new_hash:
                return stored
            now = self._clock.now()
            settled = stored.confirmed(now) if confirm else stored.without_pending(now)
            await uow.credentials.put(settled)
            await uow.commit()
        return settled

    async def authenticate(self, presented: Presented) -> Decision:
        """Whether a WebSocket handshake meets the charge point's security profile. A
        pending password that is used becomes the password."""
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(presented.charge_point_id)
        profile = effective_profile(stored, self._minimum)
        check = await asyncio.to_thread(_check_password, presented, stored)
        decision = authenticate(presented, profile, check)
        upgrade = stored.pending_security_profile if stored else None
        if upgrade is not None and decision.outcome is Outcome.ADMITTED:
            # OCPP 2.0.1 A05: the pending profile is in force once the station connects
            # with it; until then the old one (just checked) admits it.
            raised = SecurityProfile(max(upgrade, self._minimum))
            if authenticate(presented, raised, check).outcome is Outcome.ADMITTED:
                await self._upgrade(presented.charge_point_id, upgrade)
                decision = Decision(Outcome.ADMITTED, raised)
        pending = stored.pending_password_hash if stored else None
        if decision.outcome is Outcome.ADMITTED and check is PasswordCheck.PENDING and pending:
            await self._settle(presented.charge_point_id, pending, confirm=True)
            LOG.info(
                "charge_point_id=%s connected with its new password", presented.charge_point_id
            )
        if decision.outcome is not Outcome.ADMITTED:
            LOG.info(
                "handshake refused charge_point_id=%s profile=%d: %s",
                presented.charge_point_id,
                decision.security_profile,
                decision.reason,
            )
        return decision

    async def _upgrade(self, charge_point_id: str, profile: SecurityProfile) -> None:
        """Make the pending profile the profile, unless another change replaced it."""
        async with self._unit_of_work() as uow:
            stored = await uow.credentials.get(charge_point_id)
            if stored is None or stored.pending_security_profile != profile:
                return
            await uow.credentials.put(stored.upgraded(self._clock.now()))
            await uow.commit()
        LOG.info(
            "charge_point_id=%s connected with security profile %d: it is now its profile",
            charge_point_id,
            profile,
        )

    def _view(self, charge_point_id: str, stored: Credentials | None) -> CredentialView:
        return CredentialView(
            charge_point_id=charge_point_id,
            security_profile=stored.security_profile if stored else SecurityProfile.NONE,
            effective_security_profile=effective_profile(stored, self._minimum),
            password_set=bool(stored and stored.password_hash),
            password_change_pending=bool(stored and stored.pending_password_hash),
            updated_at=stored.updated_at if stored else None,
            pending_security_profile=stored.pending_security_profile if stored else None,
        )


def _check_password(presented: Presented, stored: Credentials | None) -> PasswordCheck:
    if stored is None or not (stored.password_hash or stored.pending_password_hash):
        return PasswordCheck.NONE_STORED
    if presented.basic is None:
        return PasswordCheck.NOT_PRESENTED
    password = presented.basic.password
    if stored.password_hash and verify_password(password, stored.password_hash):
        return PasswordCheck.CURRENT
    if stored.pending_password_hash and verify_password(password, stored.pending_password_hash):
        return PasswordCheck.PENDING
    return PasswordCheck.WRONG
