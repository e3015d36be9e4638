"""The OCPP versions this edge serves, and the session class that answers each.

Adding a version is adding its package (``edge/v16``, ``edge/v201``, ``edge/v21``) and one
entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from edge.ocpp_version import OCPP16, OCPP21, OCPP201, OcppVersion
from edge.session import Session
from edge.v16.session import SessionV16
from edge.v21.session import SessionV21
from edge.v201.session import SessionV201

SESSION_CLASSES: Mapping[OcppVersion, type[Session]] = MappingProxyType(
    {
        OCPP16: SessionV16,
        OCPP201: SessionV201,
        OCPP21: SessionV21,
    }
)

SUPPORTED_VERSIONS: tuple[OcppVersion, ...] = tuple(SESSION_CLASSES)
