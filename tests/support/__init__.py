"""Helpers shared by tests (real servers started for a test session)."""
