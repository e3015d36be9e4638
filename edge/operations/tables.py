"""The EdgeService operations each OCPP version has, like :mod:`edge.version_table` for
sessions. A version without an entry answers every operation with UNIMPLEMENTED, and a
version's table without an operation (OCPP 1.6 has no GetReport nor GetTransactionStatus)
answers that one with UNIMPLEMENTED naming the version.

Adding a version is adding its ``edge/<version>/operations`` package and one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from edge.ocpp_version import OCPP16, OCPP21, OCPP201, OcppVersion
from edge.operations.translators import VersionOperations
from edge.v16.operations import OPERATIONS as OPERATIONS_V16
from edge.v21.operations import OPERATIONS as OPERATIONS_V21
from edge.v201.operations import OPERATIONS as OPERATIONS_V201

OPERATION_TABLES: Mapping[OcppVersion, VersionOperations] = MappingProxyType(
    {
        OCPP16: OPERATIONS_V16,
        OCPP201: OPERATIONS_V201,
        OCPP21: OPERATIONS_V21,
    }
)
