"""SANA's article templates (the spider is `crawler.spiders.sana`).

They live apart from the spider, in Scrapy-free code: an extraction worker that
unpickles them imports this module, not Scrapy.
"""

from __future__ import annotations

from datetime import date

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
