"""What the SQL schema's constraints check, checked by the in-memory stores the same way
(shared by :mod:`chargepoint_svc.adapters.memory` and its sibling modules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chargepoint_svc.adapters.memory import MemoryStore


def require_charge_point(store: MemoryStore, charge_point_id: str) -> None:
    """As the tables' foreign key to the charge point."""
    if charge_point_id not in store.charge_points:
        raise LookupError(f"no charge point {charge_point_id!r} (a foreign key would fail)")
