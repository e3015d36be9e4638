"""What the use cases need from the outside world, as protocols.

Adapters implement them: :mod:`auth_svc.adapters.sql` and :mod:`auth_svc.adapters.memory`
for storage, :mod:`auth_svc.adapters.transaction_client` for transaction_svc,
:mod:`auth_svc.adapters.edge_client` for the stations (through the edge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from auth_svc.domain.contract_certificate import Check
from auth_svc.domain.credentials import Credentials, PasswordChangeStatus
from auth_svc.domain.id_tag import IdTag
from auth_svc.domain.local_list import ListEntry, Member, UpdateEntry, UpdateStatus, UpdateType
from auth_svc.domain.network_profiles import NetworkProfile, ProfileStatus
from servicekit import unit_of_work


class IdTagRepository(Protocol):
    async def get(self, id_tag: str) -> IdTag | None: ...

    async def add(self, tag: IdTag) -> None:
        """Store a new identifier; raise :class:`auth_svc.errors.DuplicateIdTag` if stored."""
        ...

    async def replace(self, tag: IdTag) -> None:
        """Overwrite the stored identifier with the same ``id_tag`` (which must exist)."""
        ...

    async def list_after(self, after: str | None, limit: int) -> list[IdTag]:
        """At most ``limit`` identifiers in id_tag order, those after ``after`` if given."""
        ...


class LocalListRepository(Protocol):
    """The list's entries and its version (one version for the whole list)."""

    async def version(self) -> int:
        """The current version; 0 for a list that never changed."""
        ...

    async def next_version(self) -> int:
        """Increment the version and return it. It stays taken until the unit of work
        ends, so concurrent changes get distinct versions (or one waits)."""
        ...

    async def get(self, id_tag: str) -> ListEntry | None:
        """The entry of ``id_tag``, member or removed."""
        ...

    async def put(self, entry: ListEntry) -> None:
        """Store the entry, replacing the one of the same id_tag."""
        ...

    async def members(self) -> list[Member]:
        """The current members with their identifiers, in id_tag order."""
        ...

    async def changed_after(self, version: int) -> list[Member]:
        """Entries (members and removed ones) changed after ``version``, in id_tag order."""
        ...


class StationListRepository(Protocol):
    """Which list version each station accepted."""

    async def accepted_version(self, charge_point_id: str) -> int | None:
        """None when the CSMS has no record of the station accepting a list."""
        ...

    async def record(self, charge_point_id: str, version: int, accepted_at: datetime) -> None:
        """Remember that the station accepted ``version``, replacing any earlier record."""
        ...


class CredentialRepository(Protocol):
    """Charge point credentials, by charge point id."""

    async def get(self, charge_point_id: str) -> Credentials | None: ...

    async def put(self, credentials: Credentials) -> None:
        """Store them, replacing those of the same charge point."""
        ...


class NetworkProfileRepository(Protocol):
    """The last profile offered in each slot of each charge point."""

    async def put(self, profile: NetworkProfile) -> None:
        """Store it, replacing the one of the same charge point and slot."""
        ...

    async def list(self, charge_point_id: str) -> list[NetworkProfile]:
        """The charge point's profiles by slot."""
        ...


class ContractCheckRepository(Protocol):
    """The record of Plug & Charge checks (auth_svc.domain.contract_certificate.Check)."""

    async def add(self, check: Check) -> None: ...

    async def newest(self, charge_point_id: str, limit: int) -> list[Check]:
        """At most ``limit`` checks of the charge point, newest first."""
        ...


class UnitOfWork(unit_of_work.UnitOfWork, Protocol):
    """One database transaction. Leaving the block without :meth:`commit` rolls it back."""

    @property
    def id_tags(self) -> IdTagRepository: ...

    @property
    def local_list(self) -> LocalListRepository: ...

    @property
    def station_lists(self) -> StationListRepository: ...

    @property
    def credentials(self) -> CredentialRepository: ...

    @property
    def network_profiles(self) -> NetworkProfileRepository: ...

    @property
    def contract_checks(self) -> ContractCheckRepository: ...


class ActiveTransactions(Protocol):
    """transaction_svc's knowledge of open transactions, needed for ConcurrentTx."""

    async def count_active(self, id_tag: str) -> int:
        """How many transactions ``id_tag`` has open now.

        Raises :class:`auth_svc.errors.TransactionServiceUnavailable` when nobody answers.
        """
        ...


class Stations(Protocol):
    """The calls auth_svc sends to charge points, through the edge's EdgeService.

    Each raises the station errors of :mod:`servicekit.edge_errors` with the status the edge
    gave: StationNotConnected, StationDidNotAnswer, StationRefused (a CALLERROR),
    StationCannot, StationRequestInvalid, EdgeUnavailable, EdgeFailed.
    """

    async def send_local_list(
        self,
        charge_point_id: str,
        version: int,
        update_type: UpdateType,
        entries: Sequence[UpdateEntry],
    ) -> UpdateStatus:
        """Send SendLocalList; the station's answer."""
        ...

    async def set_basic_auth_password(
        self, charge_point_id: str, password: str
    ) -> PasswordChangeStatus:
        """Send the station its new Basic auth password (EdgeService.SetBasicAuthPassword);
        its answer."""
        ...

    async def set_network_profile(
        self, charge_point_id: str, slot: int, connection: Mapping[str, Any]
    ) -> ProfileStatus:
        """Send SetNetworkProfile (EdgeService.SetNetworkProfile, OCPP 2.x B09) with the
        connection data (camelCase JSON); the station's answer."""
        ...


# --- ISO 15118 Plug & Charge: the outside parties (OCPP 2.0.1 C07, M01/M02, M06) ---------


class PartyUnavailable(Exception):
    """An outside party (OCSP responder, contract certificate service) could not be asked
    or gave no usable answer; the message says which and why. An answer, not an error:
    the station is told Failed or NoCertificateAvailable."""


class OcspResponder(Protocol):
    async def ask(self, url: str, request: bytes) -> bytes:
        """POST the DER OCSPRequest to ``url`` (RFC 6960 Appendix A.1); the DER
        OCSPResponse. :class:`PartyUnavailable` when there is none."""
        ...


class ContractCertificateService(Protocol):
    async def exchange(
        self, charge_point_id: str, schema_version: str, action: str, exi_request: str
    ) -> str:
        """The EXI response (base64) to the EV's base64 EXI request; ``action`` is
        ``Install`` or ``Update``. :class:`PartyUnavailable` when the service cannot be
        asked or does not accept the request (its reason in the message)."""
        ...


class CrlSource(Protocol):
    async def fetch(self, url: str) -> bytes:
        """The CRL at ``url`` (DER or PEM). :class:`PartyUnavailable` when there is none."""
        ...
