"""Storage adapters of the charge point service: SQL tables and repositories, and their
in-memory twins for unit tests."""
