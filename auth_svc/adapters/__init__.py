"""auth_svc's adapters: SQL storage, its in-memory twin, and the transaction_svc client."""
