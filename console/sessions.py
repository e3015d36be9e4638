"""A station's running sessions, as the fleet's rows and the station page read them.

The API lists transactions without their meter values; each running one's own record
(``GET /api/v1/transactions/{id}``) has them, so this asks for the list, then each record.
"""

from __future__ import annotations

import asyncio
from typing import Any

from console.api import Api

# More running sessions than a station has EVSEs would be a station's own error.
AT_MOST = 20


async def running(api: Api, charge_point_id: str) -> list[dict[str, Any]]:
    """The records (meter values included) of ``charge_point_id``'s ACTIVE transactions."""
    answer = await api.get(
        "/api/v1/transactions",
        {"chargePointId": charge_point_id, "status": "ACTIVE", "pageSize": AT_MOST},
    )
    listed = answer.get("transactions", [])
    return list(await asyncio.gather(*(api.get(f"/api/v1/transactions/{t['id']}") for t in listed)))
