"""Conditional re-check validators as the catalog keeps them."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from pipelines.catalog import validator
from pipelines.extract.model import Page


def item(*headers: tuple[str, str]) -> SimpleNamespace:
    page = Page("https://sana.sy/en/?p=1", 200, headers, b"", datetime.now(UTC))
    return SimpleNamespace(page=page)


def test_validators_are_kept_unless_too_long_to_be_real() -> None:
    ok = item(("etag", '"5f3a-1"'), ("Last-Modified", "Sun, 07 Sep 2025 09:00:00 GMT"))
    assert validator(ok, "ETag") == '"5f3a-1"'
    assert validator(ok, "Last-Modified") == "Sun, 07 Sep 2025 09:00:00 GMT"
    # A 300-character ETag would be refused by PostgreSQL's column, and cut short it
    # could never match: not kept (the WARC has it as sent).
    huge = item(("ETag", '"' + "x" * 298 + '"'), ("Last-Modified", "y" * 65))
    assert validator(huge, "ETag") is None
    assert validator(huge, "Last-Modified") is None
    assert validator(SimpleNamespace(page=None), "ETag") is None
