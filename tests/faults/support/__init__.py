"""Helpers of ``tests/faults/``'s tests only (the ones several test packages share are in
``tests/support/``)."""
