"""Helpers shared by more than one test package: free ports, fresh databases, fake services,
a remote station... A helper used by one package only lives in that package's own ``support/``
(``tests/edge/support/``, ``tests/faults/support/``...); nothing else in ``tests/`` but tests and
``conftest.py`` files."""
