"""Structured metadata of a page: JSON-LD articles, OpenGraph and ``article:*`` meta,
canonical and short links, the document language.

Read once per page from the parsed tree; every accessor is a plain lookup afterwards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                           "OpinionNewsArticle", "BackgroundNewsArticle", "BlogPosting",
                           "ReviewNewsArticle", "AskPublicNewsArticle"})


@dataclass
class Metadata:
    """What a page says about itself in machine-readable form.

    ``article`` is the first JSON-LD object of an article type (searched inside ``@graph``
    and lists too); ``graph`` maps JSON-LD ``@id`` to objects, to resolve references such
    as ``"author": {"@id": ...}``. ``meta`` maps lower-cased ``property``/``name`` to every
    ``content`` value, in document order.
    """

    article: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    shortlink: str | None = None
    lang: str | None = None

    def first(self, *names: str) -> str | None:
        """The first non-empty meta value among ``names``."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def all(self, name: str) -> list[str]:
        """Every non-empty value of a meta name (``article:tag`` repeats)."""
        return [v.strip() for v in self.meta.get(name, ()) if v.strip()]

    def ld(self, key: str) -> Any:
        """A field of the JSON-LD article, references resolved."""
        return self._resolve(self.article.get(key))

    def ld_text(self, key: str) -> str | None:
        """A JSON-LD field as one string (first of a list; ``name`` of an object)."""
        value = self.ld(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name") or value.get("url") or value.get("@value")
        return str(value).strip() if value not in (None, "") else None

    def ld_names(self, key: str) -> list[str]:
        """A JSON-LD field as a list of names (authors, keywords, sections)."""
        value = self.ld(key)
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for item in items:
            resolved = self._resolve(item)
            if isinstance(resolved, dict):
                resolved = resolved.get("name")
            if isinstance(resolved, str):
                parts = resolved.split(",") if key == "keywords" else [resolved]
                names.extend(p.strip() for p in parts if p.strip())
        return list(dict.fromkeys(names))

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id"):
            return self.graph.get(value["@id"], value)
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value


def read_metadata(tree: HtmlElement) -> Metadata:
    """Collect JSON-LD, meta and link data from a parsed document."""
    data = Metadata()
    for node in _jsonld_objects(tree):
        if isinstance(node.get("@id"), str):
            data.graph.setdefault(node["@id"], node)
        if not data.article and _types(node) & ARTICLE_TYPES:
            data.article = node
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content is not None:
            data.meta.setdefault(key.strip(), []).append(content)
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and data.canonical is None:
            data.canonical = (link.get("href") or "").strip() or None
        if "shortlink" in rels and data.shortlink is None:
            data.shortlink = (link.get("href") or "").strip() or None
    root = tree.getroottree().getroot()
    data.lang = (root.get("lang") or root.get("xml:lang") or "").strip() or None
    return data


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's ld+json scripts, ``@graph`` members included."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        try:
            parsed = json.loads(raw)
        except ValueError:
            # CMSs leave raw newlines inside strings; strip control characters and retry.
            try:
                parsed = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                continue
        yield from _walk(parsed)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _walk(graph)
