"""The operations an operator sends to a charge point through EdgeService (remote start,
reset, configuration, the generic Send, ...): the version-neutral half of the path from an
RPC to one OCPP CALL of the CSMS and its answer back. Each OCPP version's half, its
translators, is in its own package (``edge/v16/operations``, ``edge/v201/operations``,
``edge/v21/operations``).

- :mod:`~edge.operations.typed_servicer`: the typed RPCs of EdgeService, each handed to
  the dispatcher (or forwarded to the replica holding the station's socket);
- :mod:`~edge.operations.dispatcher`: from a request to one CALL on the station's session,
  in the version that station speaks, and from its answer to the response;
- :mod:`~edge.operations.tables`: which operations each OCPP version has;
- :mod:`~edge.operations.translators`: what a version provides per operation (the action
  and a pure translator pair);
- :mod:`~edge.operations.request_checks` and :mod:`~edge.operations.message_size`: the
  checks every version makes the same way before a CALL leaves;
- :mod:`~edge.operations.errors`: what can go wrong, and its gRPC status, mapped once.
"""
