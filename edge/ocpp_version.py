"""The OCPP versions the edge knows about, and how each one spells its RPC error codes.

The edge refers to a version through an :class:`OcppVersion` value, never through
``if version == ...``: what differs between versions is data here, or a package
(``edge/v16``, later ``edge/v201``, ``edge/v21``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorCodes:
    """The spelling of the CALLERROR codes that changed between OCPP versions.

    - ``format_violation``: OCPP-J 1.6 §4.2.3 spells it ``FormationViolation`` (the 1.6
      errata sheet §5.2 keeps that spelling); OCPP 2.0.1 and 2.1 Part 4 say ``FormatViolation``.
    - ``occurrence_constraint_violation``: 1.6 (errata §5.1) and 2.0.1 spell it
      ``OccurenceConstraintViolation``; 2.1 corrected it to ``OccurrenceConstraintViolation``.
    - ``rpc_framework_error``: a frame that is not a valid RPC message (not JSON, not an
      array, wrong elements). 2.0.1/2.1 Part 4 §4.3 name it ``RpcFrameworkError``; 1.6 has no
      such code, its nearest is ``FormationViolation``.
    - ``message_type_not_supported``: an unknown MessageTypeId. 2.0.1/2.1 have
      ``MessageTypeNotSupported``; 1.6 again only ``FormationViolation``.
    """

    format_violation: str
    occurrence_constraint_violation: str
    rpc_framework_error: str
    message_type_not_supported: str


@dataclass(frozen=True)
class OcppVersion:
    """One OCPP version: its name in the API ("1.6"), its WebSocket subprotocol, its codes.

    ``unanswered_message_types``: MessageTypeIds beyond CALL, CALLRESULT and CALLERROR
    that the version defines and that are never answered. OCPP-J 2.1 (Part 4 §4.2.4,
    §4.2.5) adds CALLRESULTERROR (5), a peer's complaint about our CALLRESULT, and SEND
    (6), a CALL without a response; the edge uses neither, and answering them with a
    CALLERROR would break the rule that only a CALL is answered.
    """

    name: str
    subprotocol: str
    error_codes: ErrorCodes
    unanswered_message_types: frozenset[int] = field(default=frozenset())


OCPP16 = OcppVersion(
    name="1.6",
    subprotocol="ocpp1.6",
    error_codes=ErrorCodes(
        format_violation="FormationViolation",
        occurrence_constraint_violation="OccurenceConstraintViolation",
        rpc_framework_error="FormationViolation",
        message_type_not_supported="FormationViolation",
    ),
)

OCPP201 = OcppVersion(
    name="2.0.1",
    subprotocol="ocpp2.0.1",
    error_codes=ErrorCodes(
        format_violation="FormatViolation",
        occurrence_constraint_violation="OccurenceConstraintViolation",
        rpc_framework_error="RpcFrameworkError",
        message_type_not_supported="MessageTypeNotSupported",
    ),
)

OCPP21 = OcppVersion(
    name="2.1",
    subprotocol="ocpp2.1",
    error_codes=ErrorCodes(
        format_violation="FormatViolation",
        occurrence_constraint_violation="OccurrenceConstraintViolation",
        rpc_framework_error="RpcFrameworkError",
        message_type_not_supported="MessageTypeNotSupported",
    ),
    unanswered_message_types=frozenset({5, 6}),
)

# Every version a charge point may ask for; which of them this edge serves is decided by
# edge.version_table.
KNOWN_VERSIONS: tuple[OcppVersion, ...] = (OCPP16, OCPP201, OCPP21)
