"""Smoke test of the benchmark's scripts (``bench/``)."""
