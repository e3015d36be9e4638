"""Helpers of ``tests/simulator/``'s tests only (the ones several test packages share are in
``tests/support/``)."""
