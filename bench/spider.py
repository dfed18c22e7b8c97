"""The synthetic outlet as a newsvault spider, for the benchmark only.

It lives here, not in ``crawler/spiders/`` (which holds real outlets only), and is added
to a crawl with ``SPIDER_MODULES=["bench.spider", "crawler.spiders"]``. Everything else
about the crawl (capture middleware, pipelines, catalog) is production code.
"""

from __future__ import annotations

from bench.parser import SyntheticV1
from crawler.outlet import OutletSpider
from crawler.sources import Sitemap
from crawler.urls import UrlRules

HOST = "synthetic.bench"  # bench.synthetic.HOST


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
