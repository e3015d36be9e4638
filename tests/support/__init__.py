"""Helpers shared by the test suite: free ports, fresh databases."""
