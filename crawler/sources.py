"""Where an outlet's article URLs come from: feeds, sitemaps and listing pages.

Paths are resolved against the edition's base URL, so one declaration serves every
edition and every mirror (``--base-url``). ``edition`` limits a source to one edition;
``backfill`` marks the index of an older site generation, read only when ``--since`` asks
for a backfill (the live site may no longer serve it, and incremental runs need not try).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feed:
    """An RSS 2.0 or Atom feed."""

    path: str
    edition: str | None = None  # None: every edition
    backfill: bool = False  # read only for --since: an old generation's index


@dataclass(frozen=True)
class Sitemap:
    """A sitemap index or urlset; nested sitemaps are followed, newest first."""

    path: str
    edition: str | None = None
    backfill: bool = False


@dataclass(frozen=True)
class NewsSitemap(Sitemap):
    """A Google News sitemap (the last 48 hours): cheap to poll, never complete."""


@dataclass(frozen=True)
class Listing:
    """A section, tag or home listing, paginated by a ``next`` link.

    ``next_page`` is a CSS selector for the link to the next page (an ``a`` or ``link``
    element with ``href``); ``max_pages`` bounds the walk, since some outlets answer 404
    past a fixed depth (SANA's category pagination stops at page 9).
    """

    path: str
    next_page: str = "link[rel=next], a.next"
    max_pages: int = 9
    edition: str | None = None
    backfill: bool = False


Source = Feed | Sitemap | NewsSitemap | Listing
