"""The two values that cross the extraction boundary: a fetched Page and an Article."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Page:
    """One fetched HTTP response, as extraction needs it.

    ``body`` is the payload with Content-Encoding already removed (what Scrapy's
    HttpCompressionMiddleware hands the spider); the WARC keeps the bytes as sent.
    Pages cross a process boundary (the extraction pool), so they stay plain data.
    """

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime  # UTC, timezone-aware: the response record's WARC-Date

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


@dataclass
class Image:
    url: str
    caption: str | None = None
    alt: str | None = None


@dataclass
class Article:
    """The cleaned text of one capture: the document stored as ``text/.../<capture>.json``.

    ``methods`` says which source produced each field (``outlet:<Parser>``, ``jsonld``,
    ``meta``, ``url``, ``dateline``, ``trafilatura``, ``htmldate``), so a reader can judge
    how far to trust it.
    """

    url: str
    canonical_url: str
    outlet: str
    edition: str | None
    language: str | None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    editor_initials: str | None = None
    published: str | None = None  # ISO 8601 with offset
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    body: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    parser: str | None = None  # e.g. "sana.FoxizV2", or "fallback"
    encoding: str | None = None  # charset used to decode the bytes
    flags: list[str] = field(default_factory=list)  # "fallback", "not_article", "short", ...

    @property
    def text(self) -> str:
        """Body paragraphs joined by blank lines: the text that versions are compared on."""
        return "\n\n".join(self.body)

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives (fresh lists and dicts), a few times faster:
        its generic recursion cost every extraction about 0.2 ms."""
        data = {name: getattr(self, name) for name in _ARTICLE_FIELDS}
        for name, value in data.items():
            if isinstance(value, list):
                data[name] = [_image_dict(v) if isinstance(v, Image) else v for v in value]
            elif isinstance(value, dict):
                data[name] = dict(value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["images"] = [Image(**i) for i in values.get("images", [])]
        return cls(**values)


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_IMAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Image))


def _image_dict(image: Image) -> dict[str, Any]:
    return {name: getattr(image, name) for name in _IMAGE_FIELDS}
