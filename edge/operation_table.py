"""The EdgeService operations each OCPP version has, like :mod:`edge.version_table` for
sessions. A version without an entry answers every operation with UNIMPLEMENTED.

Adding a version is adding its ``edge/<version>/operations`` package and one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from edge.ocpp_version import OCPP16, OcppVersion
from edge.operation import VersionOperations
from edge.v16.operations import OPERATIONS as OPERATIONS_V16

OPERATION_TABLES: Mapping[OcppVersion, VersionOperations] = MappingProxyType(
    {
        OCPP16: OPERATIONS_V16,
    }
)
