"""The ``csms`` command: run the whole system or one component, migrate, generate."""
