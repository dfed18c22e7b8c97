"""Prensa Latina: English (plenglish.com) and Spanish (prensa-latina.cu) editions.

Three generations (research/outlets.md §2): Joomla-1.0-style ``option=com_content`` URLs
to 2014, a custom ``index.php?o=rn`` CMS from 2014 to 2021, WordPress since about late
2021. The URL forms are evidenced; the markup of the first two is not (the selectors
follow our replicas: Joomla's default ``contentpaneopen`` table, and an invented o=rn page).
"""

from __future__ import annotations

from datetime import date

from crawler.outlet import OutletSpider
from crawler.sources import Feed, Listing, Sitemap
from crawler.urls import UrlRules
from pipelines.extract.document import css, xpath
from pipelines.extract.parser import Parser
from pipelines.extract.text import collapse_apostrophes

HAVANA = "America/Havana"
TITLE_SUFFIX = r"\s+[-|]\s+Prensa Latina.*$"
_QUERY = r"^/(?:index\.php)?\?"


def _has(param: str) -> str:
    """Lookahead for ``param`` anywhere in a (w3lib-sorted) query string."""
    return rf"(?=(?:.*&)?{param}(?:&|$))"


class Joomla(Parser):
    """Joomla 1.0 article table (to mid 2014): our June 2013 sample's generation."""

    valid_until = date(2014, 7, 1)
    timezone = HAVANA
    key = css("table.contentpaneopen td.contentheading")
    title = css("td.contentheading")
    title_suffix = TITLE_SUFFIX
    # Joomla prints two contentpaneopen tables (heading, then text): take the one with text.
    body = xpath("//table[contains(concat(' ', @class, ' '), ' contentpaneopen ')][.//p]")
    exclude = ("td.contentheading", "td.createdate", "td.modifydate", "td.buttonheading")
    published = css("td.createdate")  # "Thursday, 06 June 2013 10:21", Havana time
    modified = css("td.modifydate")


class ORn(Parser):
    """The ``index.php?o=rn`` CMS (mid 2014 to 2021); windows overlap WordPress's because
    the switch date is only known to within months."""

    valid_from, valid_until = date(2014, 7, 1), date(2022, 1, 1)
    timezone = HAVANA
    key = css("div.noticia div.texto")
    title = css("div.noticia h2.titulo")
    title_suffix = TITLE_SUFFIX
    body = css("div.noticia div.texto")
    published = css("div.noticia div.fecha")  # "16 de julio de 2020, 16:27"
    section = css("div.noticia div.categoria")
    fixes = (collapse_apostrophes,)  # "Mexico''s": the CMS's SQL escaping leaked


class WordPress(Parser):
    """WordPress since late 2021: ``/news/YYYY/MM/DD/<slug>/``. The header's date is
    today's, so it is never read; the date comes from meta, then the URL, then the
    dateline."""

    valid_from = date(2021, 10, 1)
    timezone = HAVANA
    key = css("article h1.entry-title")
    title = css("article h1.entry-title")
    title_suffix = TITLE_SUFFIX
    body = css("article div.entry-content")
    exclude = ("div.sharedaddy", "div.jp-relatedposts", "div.tags")
    section = css("article div.section-label")
    tags = css("article div.tags a")


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
