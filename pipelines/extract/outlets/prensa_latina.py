"""Prensa Latina's article templates (the spider is `crawler.spiders.prensa_latina`).

They live apart from the spider, in Scrapy-free code: an extraction worker that
unpickles them imports this module, not Scrapy.
"""

from __future__ import annotations

from datetime import date

from pipelines.extract.document import css, xpath
from pipelines.extract.parser import Parser
from pipelines.extract.text import collapse_apostrophes

HAVANA = "America/Havana"
TITLE_SUFFIX = r"\s+[-|]\s+Prensa Latina.*$"


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
