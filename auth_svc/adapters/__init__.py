"""auth_svc's adapters: SQL storage, its in-memory twin, and the clients of transaction_svc
and of the edge."""
