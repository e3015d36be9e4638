"""The OCPP edge: WebSocket sessions with charge points, OCPP-J framing, and translation of
each OCPP call into one gRPC call to a service. It keeps no state beyond live sessions.

One StartTransaction traced through every file it crosses, edge and services alike:
``docs/life-of-a-message.md``."""
