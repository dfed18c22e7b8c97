"""Small builders shared by the extraction unit tests."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from pipelines.extract.model import Page


def page(html: str | bytes, url: str = "https://example.org/news/1", *,
         content_type: str = "text/html; charset=utf-8",
         fetched: datetime = datetime(2025, 9, 7, tzinfo=UTC), status: int = 200) -> Page:
    """A fetched page from literal HTML."""
    body = html.encode("utf-8") if isinstance(html, str) else html
    return Page(url=url, status=status, headers=(("Content-Type", content_type),), body=body,
                fetched_at=fetched)


def f1(got: str, expected: str) -> float:
    """Token-overlap F1 of two texts (bag of lower-cased words)."""
    a, b = Counter(re.findall(r"\w+", got.lower())), Counter(re.findall(r"\w+", expected.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)
