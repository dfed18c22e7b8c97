"""SANA, the Syrian Arab News Agency (sana.sy): English and Arabic editions.

Three site generations (research/outlets.md §1): a pre-WordPress site up to early 2014
(layout unverified, see ``Legacy2013``), WordPress with TieLabs' Sahifa theme from 2014
to the Aug 2025 relaunch (still served by archive.sana.sy), and Foxiz since then.
"""

from __future__ import annotations

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing, NewsSitemap, Sitemap
from crawler.urls import UrlRules
from pipelines.extract.outlets.sana import Foxiz, Legacy2013, Sahifa


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
