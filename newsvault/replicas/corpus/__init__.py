"""The user-supplied 2013 sample articles, split into one file per article.

File format: ``key: value`` header lines, a blank line, then paragraphs separated by blank
lines. A paragraph starting with ``## `` is a sub-heading inside the article. Text is kept
exactly as captured (Emirates Voice keeps its ``\\'`` escapes); cleaning happens in the
sites. ``ev_most_read.txt`` holds the "Most Read" lines (``GMT ...<TAB>title``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Sample:
    """One sample article: header fields and paragraphs as stored."""

    fields: dict[str, str]
    paragraphs: tuple[str, ...]

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    def get(self, key: str, default: str = "") -> str:
        """A header field, or ``default``."""
        return self.fields.get(key, default)

    @property
    def published(self) -> datetime:
        """The publication time (an aware datetime)."""
        return datetime.fromisoformat(self.fields["published"])

    @property
    def tags(self) -> list[str]:
        """The comma-separated ``tags`` header as a list."""
        return [t.strip() for t in self.get("tags").split(",") if t.strip()]

    @property
    def body(self) -> list[str]:
        """Paragraphs with the sub-heading marker removed."""
        return [p.removeprefix("## ") for p in self.paragraphs]

    @property
    def subheads(self) -> set[str]:
        """The paragraphs that are sub-headings."""
        return {p.removeprefix("## ") for p in self.paragraphs if p.startswith("## ")}


@cache
def load(name: str) -> Sample:
    """Parse ``<name>.txt`` from this package."""
    text = files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    head, _, rest = text.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    paragraphs = tuple(p.strip() for p in rest.split("\n\n") if p.strip())
    return Sample(fields, paragraphs)


@cache
def most_read() -> tuple[tuple[str, str], ...]:
    """The Emirates Voice "Most Read" entries as (GMT line, title as printed)."""
    text = files(__package__).joinpath("ev_most_read.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t", 1) for line in text.splitlines() if line)
    return tuple((when, title) for when, title in pairs)
