"""The synthetic outlet as a newsvault spider, for the benchmark only.

It lives here, not in ``crawler/spiders/`` (which holds real outlets only), and is added
to a crawl with ``SPIDER_MODULES=["bench.spider", "crawler.spiders"]``. Everything else
about the crawl (capture middleware, pipelines, catalog) is production code.
"""

from __future__ import annotations

from crawler.outlet import OutletSpider
from crawler.sources import Sitemap
from crawler.urls import UrlRules
from pipelines.extract.document import css
from pipelines.extract.parser import Parser

HOST = "synthetic.bench"  # bench.synthetic.HOST; not imported, so workers load less


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


class SyntheticSpider(OutletSpider):
    """The synthetic outlet: one edition, discovered through its sitemap index.

    Crawled with ``--base-url`` pointing at the local server, which aliases the loopback
    host to ``synthetic.bench``, and ``--since`` far back, so every child sitemap is read
    (without it, discovery reads only the newest child sitemap, as an incremental run does).
    """

    name = "synthetic"
    editions = {"en": f"https://{HOST}/"}
    sources = [Sitemap("sitemap_index.xml")]
    urls = UrlRules(
        hosts={HOST: HOST, f"www.{HOST}": HOST},
        articles=(r"^/[a-z]+/\d{4}/\d\d/\d\d/\d+-[\w-]+/$",),
    )
    crawl_delay = 0  # the bench server is ours; robots.txt has no Crawl-delay either
    parsers = [SyntheticV1]
