from datetime import date

from crawler.discovery import feed_entries, pick_sitemaps, sitemap_entries

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>SANA</title><lastBuildDate>Thu, 16 Jan 2014 05:15:51 GMT</lastBuildDate>
<item><title>A</title><link>https://sana.sy/en/politics/2263976/</link>
<pubDate>Sat, 06 Sep 2025 20:07:04 +0000</pubDate>
<guid isPermaLink="false">https://sana.sy/en/?p=2263976</guid></item>
<item><title>B</title><guid>https://sana.sy/en/local/2263977/</guid></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>
<link rel="alternate" href="https://example.org/a"/><link rel="edit" href="https://e/edit"/>
<updated>2025-09-01T10:00:00Z</updated></entry></feed>"""

INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://sana.sy/en/post-sitemap1.xml</loc><lastmod>2025-08-01T00:00:00+03:00</lastmod></sitemap>
<sitemap><loc>https://sana.sy/en/post-sitemap2.xml</loc><lastmod>2025-09-06T00:00:00+03:00</lastmod></sitemap>
<sitemap><loc>https://sana.sy/en/post-sitemap3.xml</loc><lastmod>2025-07-01T00:00:00+03:00</lastmod></sitemap>
</sitemapindex>"""

NEWS = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>
<loc>https://sana.sy/en/syria/2289847/</loc><news:news><news:publication_date>2025-09-06T23:07:04+03:00</news:publication_date></news:news>
</url></urlset>"""


def test_rss_links_dates_and_permalink_guids() -> None:
    entries = list(feed_entries(RSS))
    assert [e.url for e in entries] == ["https://sana.sy/en/politics/2263976/",
                                        "https://sana.sy/en/local/2263977/"]
    assert entries[0].date is not None
    assert entries[0].date.isoformat() == "2025-09-06T20:07:04+00:00"
    assert entries[1].date is None  # the stale channel lastBuildDate is never used


def test_atom_alternate_link() -> None:
    (entry,) = feed_entries(ATOM)
    assert entry.url == "https://example.org/a" and entry.date is not None


def test_sitemap_index_incremental_takes_newest_backfill_takes_since() -> None:
    index, entries = sitemap_entries(INDEX)
    assert index and len(entries) == 3
    assert [e.url for e in pick_sitemaps(entries, None)] == ["https://sana.sy/en/post-sitemap2.xml"]
    assert len(pick_sitemaps(entries, date(2025, 7, 15))) == 2


def test_news_sitemap_uses_publication_date() -> None:
    index, (entry,) = sitemap_entries(NEWS)
    assert not index
    assert entry.date is not None and entry.date.isoformat() == "2025-09-06T23:07:04+03:00"


def test_garbage_is_not_a_crash() -> None:
    assert list(feed_entries(b"<html><body>not a feed")) == []
    assert sitemap_entries(b"\x00\x01 binary") == (False, [])
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' \
           b"<rss><channel><item><link>&x;</link></item></channel></rss>"
    assert all("root:" not in e.url for e in feed_entries(evil))
