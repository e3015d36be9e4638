"""The operator console: a web application served through Envoy at /console/, a client of
the public REST API only."""
