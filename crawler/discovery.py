"""Reading discovery documents: RSS/Atom feeds and sitemaps, with their dates.

Plain lxml over bytes, tolerant of the broken XML that news CMSs emit (recover=True),
and never resolving external entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                          huge_tree=False)


@dataclass(frozen=True)
class Entry:
    url: str
    date: datetime | None


def _root(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body.lstrip(), parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names and child.text and child.text.strip():
            return str(child.text.strip())
    return None


def parse_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) as an aware datetime; else None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def feed_entries(body: bytes) -> Iterator[Entry]:
    """Items of an RSS 2.0 or Atom feed: their link and publication date."""
    root = _root(body)
    if root is None:
        return
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = _child_text(el, "link") or _permalink_guid(el)
            when = _child_text(el, "pubDate", "date")
        elif name == "entry":
            link = _atom_link(el)
            when = _child_text(el, "published", "updated")
        else:
            continue
        if link:
            yield Entry(link, parse_date(when))


def _permalink_guid(item: etree._Element) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") == "true":
            return str(child.text).strip() if child.text else None
    return None


def _atom_link(entry: etree._Element) -> str | None:
    for child in entry:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
            return child.get("href")
    return None


def sitemap_entries(body: bytes) -> tuple[bool, list[Entry]]:
    """(is_index, entries) of a sitemap index or urlset; news sitemaps give their
    publication date, others their lastmod."""
    root = _root(body)
    if root is None:
        return False, []
    index = _local(root.tag) == "sitemapindex"
    entries = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(el, "loc")
        news = next((c for c in el if _local(c.tag) == "news"), None)
        when = _child_text(news, "publication_date") if news is not None else None
        if loc:
            entries.append(Entry(loc, parse_date(when or _child_text(el, "lastmod"))))
    return index, entries


def pick_sitemaps(entries: list[Entry], since: date | None) -> list[Entry]:
    """Children of a sitemap index to read. Incremental: only the newest (by lastmod, or
    the last listed). Backfill: every child modified on or after ``since`` (or undated)."""
    if not entries:
        return []
    if since is not None:
        return [e for e in entries if e.date is None or e.date.date() >= since]
    dated = [e for e in entries if e.date is not None]
    return [max(dated, key=lambda e: e.date)] if dated else [entries[-1]]  # type: ignore[arg-type, return-value]
