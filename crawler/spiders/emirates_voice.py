"""Emirates Voice (emiratesvoice.com), an Arabs Today network site: English and Arabic.

A custom PHP CMS with no structured data (research/outlets.md §3): the only article date is
a free-text "GMT 06:12 2013 Saturday ,01 June" line; the header's "today" and "Last
Updated : GMT" clocks are decoys. HTML classes are unknown: the selectors follow our
replicas of the evidenced page text, in two English forms and the Arabic column template.
"""

from __future__ import annotations

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing
from crawler.urls import UrlRules
from pipelines.extract.outlets.emirates_voice import Column, Form2013, Form2018

HOST = "www.emiratesvoice.com"


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
