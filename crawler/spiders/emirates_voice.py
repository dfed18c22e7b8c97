"""Emirates Voice (emiratesvoice.com), an Arabs Today network site: English and Arabic.

A custom PHP CMS with no structured data (research/outlets.md §3): the only article date is
a free-text "GMT 06:12 2013 Saturday ,01 June" line; the header's "today" and "Last
Updated : GMT" clocks are decoys. HTML classes are unknown: the selectors follow our
replicas of the evidenced page text, in two English forms and the Arabic column template.
"""

from __future__ import annotations

from datetime import date

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing
from crawler.urls import UrlRules
from pipelines.extract.document import css
from pipelines.extract.parser import Parser

DUBAI = "Asia/Dubai"  # "GMT" lines carry their own zone; this is for Arabic local dates
HOST = "www.emiratesvoice.com"


class Form2013(Parser):
    """English article of the ``/en/<id>/<slug>`` era (to 2017): text with ``<br>`` breaks,
    dateline as its first line."""

    valid_until = date(2018, 1, 1)
    timezone = DUBAI
    key = css("div#news_details div.news_text")
    title = css("div#news_details h1.news_title")
    body = css("div#news_details div.news_text")
    published = css("div#news_details span.news_date")
    caption = css("div#news_details div.news_img span.caption")
    images = css("div#news_details div.news_img img")


class Form2018(Parser):
    """English article since 2018 (``/en/<section>-<sid>/<slug>-<id>``, and old URLs
    served in it): ``<title>`` is the lower-cased headline, so the h1 is read; the image
    caption is glued to the first paragraph."""

    valid_from = date(2018, 1, 1)
    timezone = DUBAI
    key = css("div.article div.body")
    title = css("div.article h1.title")
    body = css("div.article div.body")
    published = css("div.article div.date")
    dateline = css("div.article div.dateline")
    caption = css("div.article figcaption")
    images = css("div.article figure img")


class Column(Parser):
    """Arabic opinion column, ``/w-<writer>/[<id>-]<slug>`` (all years): writer block,
    date line, a "بقلم - <writer>" byline, then the text."""

    timezone = DUBAI
    key = css("div.column div.body")
    title = css("div.column h1.title")
    body = css("div.column div.body")
    published = css("div.column div.date")
    authors = css("div.column div.writer span")
    images = css("div.column div.writer img")


class EmiratesVoiceSpider(OutletSpider):
    """Emirates Voice: English (/en/) and Arabic editions on three host names."""

    name = "emirates_voice"
    editions = {"en": f"https://{HOST}/en/", "ar": f"https://{HOST}/"}
    sources = [
        # FeedCreator feeds: full text, stale lastBuildDate (never trusted for dates).
        *(Feed(f"{s}/rss.xml", edition="en") for s in (
            "news", "politics", "economy", "sports", "travel", "technology", "health",
            "lifestyle")),
        # Section listings; "?page=N" pagination is our replica's (the real form is unknown).
        *(Listing(f"{s}/", next_page="a[rel=next], link[rel=next], a.next", edition="en")
          for s in ("news-12", "travel-459")),
        Listing("", edition="ar", max_pages=1),  # the Arabic home lists the columns
    ]
    urls = UrlRules(
        hosts={h: HOST for h in (HOST, "emiratesvoice.com", "mail.emiratesvoice.com")},
        articles=(
            r"^/en/\d+/[^/?]+/?$",  # 2013: /en/314/<slug>
            r"^/en/[a-z-]+-\d+/[^/?]+-\d+/?$",  # 2018: /en/travel-459/<slug>-050651
            r"^/w-\d+/[^/?]+/?$",  # Arabic column: /w-347/[092651-]<Arabic slug>
            r"^/[a-z-]+-\d+/[^/?]+-\d+/?$",  # Arabic news (inferred from the English form)
        ),
        # Article URLs carry no trailing slash; listings (/en/travel-459/) keep theirs.
        canonical=((r"^(https://www\.emiratesvoice\.com/(?:en/\d+/[^/?]+|(?:en/)?[a-z-]+-\d+/"
                    r"[^/?]+-\d+|w-\d+/[^/?]+))/$", r"\1"),),
        not_articles=(r"rss\.xml$", r"/rss$", r"[?&]page=\d+"),
    )
    crawl_delay = 1.5
    parsers = [Form2013, Form2018, Column]
