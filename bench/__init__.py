"""Benchmarks of the CSMS against a baseline: ``python -m bench.run`` (docs/performance.md)."""
