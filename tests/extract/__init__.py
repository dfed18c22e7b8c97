"""Unit tests of pipelines.extract."""
