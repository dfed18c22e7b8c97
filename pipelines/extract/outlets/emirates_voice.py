"""Emirates Voice's article templates (the spider is `crawler.spiders.emirates_voice`).

They live apart from the spider, in Scrapy-free code: an extraction worker that
unpickles them imports this module, not Scrapy.
"""

from __future__ import annotations

from datetime import date

from pipelines.extract.document import css
from pipelines.extract.parser import Parser

DUBAI = "Asia/Dubai"  # "GMT" lines carry their own zone; this is for Arabic local dates


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
