"""OCPP 1.6J: translation of its messages to the version-neutral protobuf API, and the
session that answers a 1.6 charge point."""
