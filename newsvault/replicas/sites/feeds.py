"""WordPress-style RSS 2.0 feeds and sitemaps (core, Rank Math and Google News flavours).

Feeds are sent chunked and sitemaps with Content-Length, so both framings are exercised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsvault.replicas.messages import RSS, XML, Response


@dataclass(frozen=True)
class Channel:
    """An RSS channel's own fields."""

    title: str
    link: str
    self_url: str
    description: str
    language: str
    generator: str = "https://wordpress.org/?v=6.8.2"


@dataclass(frozen=True)
class FeedItem:
    """One RSS item as WordPress writes it."""

    title: str
    link: str
    guid: str
    published: datetime
    creator: str
    description: str
    content_html: str
    categories: Sequence[str] = field(default_factory=tuple)


def rfc822(moment: datetime) -> str:
    """RFC 822 date in +0000, as WordPress feeds print it."""
    return format_datetime(moment.astimezone(UTC))


def cdata(text: str) -> str:
    """Wrap in CDATA, splitting any ``]]>`` inside."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_rss(channel: Channel, items: Sequence[FeedItem]) -> Response:
    """A WordPress RSS 2.0 feed (chunked)."""
    build = max((i.published for i in items), default=datetime(2025, 1, 1, tzinfo=UTC))
    parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
             'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
             'xmlns:dc="http://purl.org/dc/elements/1.1/" '
             'xmlns:atom="http://www.w3.org/2005/Atom" '
             'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">\n<channel>',
             f"<title>{escape(channel.title)}</title>",
             f'<atom:link href="{escape(channel.self_url)}" rel="self" '
             'type="application/rss+xml" />',
             f"<link>{escape(channel.link)}</link>",
             f"<description>{escape(channel.description)}</description>",
             f"<lastBuildDate>{rfc822(build)}</lastBuildDate>",
             f"<language>{channel.language}</language>",
             "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>",
             f"<generator>{escape(channel.generator)}</generator>"]
    for item in items:
        cats = "".join(f"<category>{cdata(c)}</category>" for c in item.categories)
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f"<dc:creator>{cdata(item.creator)}</dc:creator>"
            f"<pubDate>{rfc822(item.published)}</pubDate>{cats}"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<description>{cdata(item.description)}</description>"
            f"<content:encoded>{cdata(item.content_html)}</content:encoded></item>")
    parts.append("</channel></rss>\n")
    return Response(body="\n".join(parts).encode(), content_type=RSS, chunked=True,
                    last_modified=build)


def _iso(moment: datetime | None) -> str:
    return f"<lastmod>{moment.isoformat()}</lastmod>" if moment else ""


def sitemap_index(entries: Iterable[tuple[str, datetime | None]]) -> Response:
    """A sitemap index of child sitemaps."""
    rows = "".join(f"<sitemap><loc>{escape(u)}</loc>{_iso(m)}</sitemap>" for u, m in entries)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>\n')
    return Response(body=body.encode(), content_type=XML)


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> Response:
    """A sitemap of URLs with ``lastmod``."""
    rows = "".join(f"<url><loc>{escape(u)}</loc>{_iso(m)}</url>\n" for u, m in entries)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')
    return Response(body=body.encode(), content_type=XML)


def news_sitemap(entries: Iterable[tuple[str, str, datetime]], publication: str,
                 language: str) -> Response:
    """A Google News sitemap: (url, title, published) rows."""
    rows = "".join(
        f"<url><loc>{escape(u)}</loc><news:news><news:publication><news:name>"
        f"{escape(publication)}</news:name><news:language>{language}</news:language>"
        f"</news:publication><news:publication_date>{p.isoformat()}"
        f"</news:publication_date><news:title>{escape(t)}</news:title></news:news></url>\n"
        for u, t, p in entries)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{rows}</urlset>\n")
    return Response(body=body.encode(), content_type=XML)
