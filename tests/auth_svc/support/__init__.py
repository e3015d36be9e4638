"""Helpers of ``tests/auth_svc/``'s tests only (the ones several test packages share are in
``tests/support/``)."""
