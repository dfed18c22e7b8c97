"""SANA, the Syrian Arab News Agency (sana.sy): English and Arabic editions.

Three site generations (research/outlets.md §1): a pre-WordPress site up to early 2014
(layout unverified, see ``Legacy2013``), WordPress with TieLabs' Sahifa theme from 2014
to the Aug 2025 relaunch (still served by archive.sana.sy), and Foxiz since then.
"""

from __future__ import annotations

from datetime import date

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing, NewsSitemap, Sitemap
from crawler.urls import UrlRules
from pipelines.extract.document import INITIALS, css, xpath
from pipelines.extract.parser import Parser

DAMASCUS = "Asia/Damascus"  # UTC+3 in summer and +2 in winter until Oct 2022, +3 since
TITLE_SUFFIX = r"\s+[-|–]\s+(?:S A N A|SANA)\b.*$"


class Legacy2013(Parser):
    """The pre-2014 site. Only its text is evidenced (date line, h1, dateline paragraph,
    initials last), so the selectors are structural: the paragraphs beside a class-less h1."""

    valid_until = date(2014, 1, 1)
    timezone = DAMASCUS
    # A date line (four or more digits, ASCII or Arabic-Indic) right before a class-less h1
    # keeps this structural key from claiming pages of an unknown template, which would
    # hide a redesign behind a "successful" parse.
    key = xpath("//h1[not(@class)][preceding-sibling::*[1][string-length(normalize-space(.))"
                " - string-length(translate(normalize-space(.), '0123456789٠١٢٣٤٥٦٧٨٩', ''))"
                " >= 4]]/following-sibling::p[1]")
    title = xpath("//h1[not(@class)]")
    body = xpath("//h1[not(@class)]/..")
    paragraphs = xpath("./p")
    published = xpath("//h1[not(@class)]/preceding-sibling::*[1]")
    authors = INITIALS


class Sahifa(Parser):
    """WordPress + TieLabs Sahifa, 2014 to Aug 2025 (and archive.sana.sy today)."""

    valid_from, valid_until = date(2014, 1, 1), date(2025, 8, 1)
    timezone = DAMASCUS
    key = css("article#the-post div.entry")
    title = (css("h1.entry-title span[itemprop=name]"), css("h1.entry-title"))
    title_suffix = TITLE_SUFFIX
    body = css("article#the-post div.entry")
    paragraphs = xpath("./p")  # direct children: galleries and share widgets nest theirs
    exclude = ("div.gallery", "div.share-post")
    published = (css('meta[property="article:published_time"]', attr="content"),
                 css("p.post-meta span.tie-date"))
    section = css("p.post-meta span.post-cats a")
    tags = css("p.post-tag a[rel=tag]")
    authors = INITIALS  # the byline span is the WordPress uploader; the sign-off is the author
    images = css("div.single-post-thumb img")


class Foxiz(Parser):
    """WordPress + Foxiz since the Aug 2025 relaunch: ``/<cat>/<id>/`` URLs."""

    valid_from = date(2025, 8, 1)
    timezone = DAMASCUS
    key = css("div.entry-content.rbct")
    title = css("header.single-header h1.s-title")
    title_suffix = TITLE_SUFFIX
    body = css("div.entry-content.rbct")
    exclude = ("div.entry-bottom", ".related-sec", ".efoot", ".e-shared-sec", "figure")
    # The visible <time> text is relative ("50 minutes ago"); the attribute is the date.
    published = css("header.single-header time.published", attr="datetime")
    tags = css("div.efoot a[rel=tag]")
    images = css("div.s-feat img.wp-post-image, div.entry-content.rbct figure img")


class SanaSpider(OutletSpider):
    """SANA: English and Arabic editions, every generation since 2013."""

    name = "sana"
    editions = {"en": "https://sana.sy/en/", "ar": "https://sana.sy/"}
    sources = [
        Feed("feed/"),
        NewsSitemap("news-sitemap.xml"),  # Rank Math PRO: inferred, cheap to poll
        Sitemap("sitemap_index.xml"),  # the only full index: listings 404 after page 9
        # The Sahifa archive of the pre-2025 English site; no depth cap there, but each
        # page costs 15-65 s, so one run walks a bounded slice (known URLs are skipped).
        Listing("https://archive.sana.sy/en/?paged=1", next_page="span#tie-next-page > a",
                max_pages=50, edition="en"),
    ]
    urls = UrlRules(
        hosts={h: "sana.sy" for h in ("sana.sy", "www.sana.sy", "test.sana.sy", "archive.sana.sy",
                                      "sana-syria.org", "www.sana-syria.org", "sanasyria.org",
                                      "www.sanasyria.org")},
        articles=(
            r"^/(?:[a-z]{2}/)?\?p=\d+$",  # 2014-2025 plain permalinks
            r"^/(?:[a-z]{2}/)?(?:[\w%-]+/){1,3}\d+/?$",  # Foxiz /<cat>/<id>/, nested cats
            r"^/(?:eng|ara)/\d+/\d{4}/\d\d/\d\d/\d+\.htm$",  # legacy (unverified form)
        ),
        # Every form of a post becomes its shortlink ?p=<id>: a ?p= URL has no category, so
        # the id form is the only one every other form can be mapped to.
        canonical=((r"^https://sana\.sy/(?!(?:[\w%-]+/)*page/\d+/?$)((?:en|fr|tr|ru|es|ku|he)/)?"
                    r"(?:[\w%-]+/){1,3}(\d+)/?$", r"https://sana.sy/\1?p=\2"),),
        not_articles=(r"/page/\d+", r"^/(?:[a-z]{2}/)?(?:wp-json|feed|tag|category|author)/",
                      r"/feed/?$", r"[?&](?:paged|cat|tag|s|feed|author)="),
    )
    crawl_delay = 5  # robots.txt Crawl-delay: 5, on the archive host too
    parsers = [Legacy2013, Sahifa, Foxiz]
