"""Prensa Latina: English (plenglish.com) and Spanish (prensa-latina.cu) editions.

Three generations (research/outlets.md §2): Joomla-1.0-style ``option=com_content`` URLs
to 2014, a custom ``index.php?o=rn`` CMS from 2014 to 2021, WordPress since about late
2021. The URL forms are evidenced; the markup of the first two is not (the selectors
follow our replicas: Joomla's default ``contentpaneopen`` table, and an invented o=rn page).
"""

from __future__ import annotations

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing, Sitemap
from crawler.urls import UrlRules
from pipelines.extract.outlets.prensa_latina import Joomla, ORn, WordPress

_QUERY = r"^/(?:index\.php)?\?"


def _has(param: str) -> str:
    """Lookahead for ``param`` anywhere in a (w3lib-sorted) query string."""
    return rf"(?=(?:.*&)?{param}(?:&|$))"


class PrensaLatinaSpider(OutletSpider):
    """Prensa Latina: English (plenglish.com) and Spanish (prensa-latina.cu)."""

    name = "prensa_latina"
    editions = {"en": "https://www.plenglish.com/", "es": "https://www.prensa-latina.cu/"}
    sources = [
        Feed("feed/"),
        Sitemap("wp-sitemap.xml"),  # WordPress core sitemaps (inferred)
        *(Listing(f"section/{name}/", edition="en")
          for name in ("opinion", "cuba", "latin-america", "world", "economy", "culture")),
        # 2014-2021 o= router RSS "channels" (one evidenced: centroamerica-caribe, 2017).
        *(Feed(f"index.php?o=vc&id={c}&SEO=canalrss-{c}", edition="en", backfill=True)
          for c in ("america-latina", "centroamerica-caribe", "interior-cuba", "mundo",
                    "opinion")),
    ]
    urls = UrlRules(
        hosts={"www.plenglish.com": "www.plenglish.com", "plenglish.com": "www.plenglish.com",
               "www.prensa-latina.cu": "www.prensa-latina.cu",
               "prensa-latina.cu": "www.prensa-latina.cu"},
        articles=(
            _QUERY + _has("option=com_content") + _has("task=view") + _has(r"id=\d+"),
            _QUERY + _has("o=rn") + _has(r"id=\d+"),
            r"^/(?:news/)?\d{4}/\d\d/\d\d/[^/]+/?$",  # WordPress, EN under /news/
        ),
        canonical=(
            # Joomla: the menu id (Itemid) and language flag do not identify content.
            (r"^(https://[^/]+)/(?:index\.php)?\?" + _has("option=com_content")
             + r"(?:.*&)?id=(\d+)(?:&.*)?$", r"\1/index.php?option=com_content&task=view&id=\2"),
            # o=rn: the SEO slug is decoration; the id is the article.
            (r"^(https://[^/]+)/(?:index\.php)?\?" + _has("o=rn") + r"(?:.*&)?id=(\d+)(?:&.*)?$",
             r"\1/index.php?o=rn&id=\2"),
            (r"^(https://[^/]+/(?:news/)?\d{4}/\d\d/\d\d/[^/]+?)/?$", r"\1/"),
        ),
        not_articles=(r"^/(?:section|tags|category|author|wp-json)/", r"/feed/?$", r"/page/\d+",
                      _QUERY + _has("o=v[tc]"), r"wp-sitemap"),
    )
    crawl_delay = 1.5
    parsers = [Joomla, ORn, WordPress]
