"""The OCPP edge: WebSocket sessions with charge points, OCPP-J framing, and translation of
each OCPP call into one gRPC call to a service. It keeps no state beyond live sessions."""
