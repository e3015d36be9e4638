"""Who may charge without asking the CSMS: the Local Authorization List (OCPP 1.6 §3.5.3,
§5.10, §5.15) and the Authorization Cache (§3.5.1, §5.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocpp.v16.enums import AuthorizationStatus, UpdateStatus, UpdateType


@dataclass(frozen=True)
class Authorization:
    """One entry: an id tag and the status the CSMS gave it."""

    id_tag: str
    status: AuthorizationStatus
    # OCPP 2.x: the IdTokenType.type it was listed with; None for 1.6.
    id_token_type: str | None = None


@dataclass
class LocalList:
    """The list and its version; version 0 means the CSMS never sent one (§5.10)."""

    version: int = 0
    entries: dict[str, Authorization] = field(default_factory=dict)

    def update(
        self,
        update_type: str,
        version: int,
        entries: list[dict[str, Any]],
        max_per_message: int,
        max_length: int,
    ) -> UpdateStatus:
        """SendLocalList (§5.15, §6.41). An entry without ``id_tag_info`` removes its id tag
        from a differential update. Failed when the message or the resulting list is longer
        than SendLocalListMaxLength / LocalAuthListMaxLength; VersionMismatch when a
        differential update is not newer than the list the station holds."""
        if len(entries) > max_per_message:
            return UpdateStatus.failed
        if update_type == UpdateType.differential and version <= self.version:
            return UpdateStatus.version_mismatch
        updated = {} if update_type == UpdateType.full else dict(self.entries)
        for entry in entries:
            tag = entry["id_tag"]
            info = entry.get("id_tag_info")
            if info is None:
                updated.pop(tag, None)
            else:
                updated[tag] = Authorization(
                    tag, AuthorizationStatus(info["status"]), entry.get("id_token_type")
                )
        if len(updated) > max_length:
            return UpdateStatus.failed
        self.version, self.entries = version, updated
        return UpdateStatus.accepted

    def status(self, id_tag: str) -> AuthorizationStatus | None:
        entry = self.entries.get(id_tag)
        return None if entry is None else entry.status

    def shown(self) -> str:
        """The list as the station's log shows it after an update, so that a person (or
        a test) can see what a differential update left: ``version=3 [A:Accepted, B:Blocked]``,
        a 2.x token with its type: ``A:Accepted/eMAID``."""
        listed = ", ".join(_shown(self.entries[tag]) for tag in sorted(self.entries))
        return f"version={self.version} [{listed}]"


def _shown(entry: Authorization) -> str:
    typed = "" if entry.id_token_type is None else f"/{entry.id_token_type}"
    return f"{entry.id_tag}:{entry.status}{typed}"


@dataclass
class AuthorizationCache:
    """Statuses the CSMS returned in Authorize/StartTransaction answers (§3.5.1)."""

    entries: dict[str, Authorization] = field(default_factory=dict)

    def remember(self, id_tag: str, status: str) -> None:
        self.entries[id_tag] = Authorization(id_tag, AuthorizationStatus(status))

    def status(self, id_tag: str) -> AuthorizationStatus | None:
        entry = self.entries.get(id_tag)
        return None if entry is None else entry.status

    def clear(self) -> None:
        """ClearCache (§5.4)."""
        self.entries.clear()
