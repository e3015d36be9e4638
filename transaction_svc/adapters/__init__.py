"""Adapters of the transaction service's ports: SQL storage, its in-memory twin, and the
gRPC client of auth_svc."""
