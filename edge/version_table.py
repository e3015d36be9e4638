"""The OCPP versions this edge serves, and the session class that answers each.

Adding a version is adding its package (``edge/v201``, ``edge/v21``) and one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from edge.ocpp_version import OCPP16, OcppVersion
from edge.session import Session
from edge.v16.session import SessionV16

SESSION_CLASSES: Mapping[OcppVersion, type[Session]] = MappingProxyType(
    {
        OCPP16: SessionV16,
    }
)

SUPPORTED_VERSIONS: tuple[OcppVersion, ...] = tuple(SESSION_CLASSES)
