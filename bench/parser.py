"""The synthetic outlet's article template (its spider is `bench.spider`).

Apart from the spider, as the real outlets' templates are (`pipelines.extract.outlets`):
the extraction worker that unpickles it imports this module, not Scrapy.
"""

from __future__ import annotations

from pipelines.extract.document import css
from pipelines.extract.parser import Parser


class SyntheticV1(Parser):
    """The synthetic WordPress-like theme (``bench.boilerplate``), every field declared so
    that no page falls back to trafilatura or htmldate, as with a well-kept real outlet."""

    name = "synthetic.V1"
    key = css("article.post div.entry-content")
    title = css("article.post h1.entry-title")
    body = css("article.post div.entry-content")
    exclude = ("div.ad-slot", "aside.read-also")
    published = css("article.post time.published", attr="datetime")
    modified = css("article.post time.updated", attr="datetime")
    section = css("article.post span.cat-links a")
    tags = css("article.post div.tags-links a[rel=tag]")
    authors = css("article.post span.byline a.author")
    images = css("article.post figure.post-thumbnail img")
    caption = css("article.post figure.post-thumbnail figcaption")
