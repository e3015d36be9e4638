"""The cluster part of the settings (``settings.cluster``): the Redis in which edge replicas
share their connection registry, so an operation reaches a station whichever replica it
is connected to (:mod:`edge.cluster`).

Read by the edge, and by the launcher, which checks the Redis before it starts replicas.
Without ``CSMS_REDIS_URL`` there is one edge and its registry is in memory. The variables
are documented in :data:`servicekit.settings.VARIABLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servicekit.security_settings import SettingsError


@dataclass(frozen=True)
class ClusterSettings:
    redis_url: str
    """Empty: no Redis, one edge."""
    redis_prefix: str
    edge_lease: float
    """Seconds a replica's routes live in Redis unless it renews them."""

    @classmethod
    def from_env(cls, raw: Callable[[str], str], replicas: int) -> ClusterSettings:
        """Checked against the number of edge replicas: more than one needs a Redis."""
        redis_url = raw("CSMS_REDIS_URL")
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(
                f"CSMS_REDIS_URL={redis_url!r} is not a redis://, rediss:// or unix:// URL"
            )
        if replicas > 1 and not redis_url:
            raise SettingsError(
                f"CSMS_EDGE_REPLICAS={replicas} needs CSMS_REDIS_URL: replicas share their "
                "connection registry in Redis"
            )
        lease_text = raw("CSMS_EDGE_LEASE")
        try:
            lease = float(lease_text)
        except ValueError:
            raise SettingsError(f"CSMS_EDGE_LEASE={lease_text!r} is not a number") from None
        if lease < 1:
            raise SettingsError(f"CSMS_EDGE_LEASE={lease_text} must be at least 1 (second)")
        return cls(
            redis_url=redis_url,
            redis_prefix=raw("CSMS_REDIS_PREFIX") or "csms",
            edge_lease=lease,
        )
