"""Helpers of ``tests/transaction_svc/``'s tests only (the ones several test packages share are in
``tests/support/``)."""
