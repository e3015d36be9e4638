"""A stand-in for the auth service behind transaction_svc's ``Authorizer`` port: the use case
tests script its decisions and read back what it was asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.transaction_factories import at
from transaction_svc.domain.authorization import (
    Authorization,
    AuthorizationPurpose,
    AuthorizationStatus,
)
from transaction_svc.errors import AuthServiceUnavailable

ACCEPTED = Authorization(AuthorizationStatus.ACCEPTED, at(1000), "GROUP-1")


@dataclass
class ScriptedAuthorizer:
    """Answers from a dict (unknown tags are INVALID) and remembers what it was asked."""

    decisions: dict[str, Authorization] = field(default_factory=dict)
    available: bool = True
    asked: list[tuple[str, str, AuthorizationPurpose]] = field(default_factory=list)

    async def authorize(
        self,
        id_tag: str,
        charge_point_id: str,
        purpose: AuthorizationPurpose,
        id_token_type: str = "",
    ) -> Authorization:
        self.asked.append((id_tag, charge_point_id, purpose))
        if not self.available:
            raise AuthServiceUnavailable("connection refused")
        return self.decisions.get(id_tag, Authorization(AuthorizationStatus.INVALID))
