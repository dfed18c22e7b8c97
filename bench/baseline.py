"""Bare Scrapy: the same pages through the same sitemap discovery, and nothing of ours.

``python -m bench.baseline INDEX_URL SUMMARY_JSON [--concurrency N]`` crawls with
Scrapy's own ``SitemapSpider`` and default components (robots.txt, HttpCompression,
retries, redirects), no project settings, no middleware or pipeline of newsvault's, and
writes Scrapy's stats to SUMMARY_JSON. It is the yardstick of what fetching alone costs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.spiders import SitemapSpider

from bench.common import DEFAULT_CONCURRENCY, crawl_settings, jsonable, write_summary


class BareSitemapSpider(SitemapSpider):
    """Follows every child sitemap; counts article pages and keeps nothing."""

    name = "bare"
    sitemap_rules = [(r"/\d+-[\w-]+/$", "parse_page")]

    def __init__(self, index_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sitemap_urls = [index_url]

    def parse_page(self, response: Response) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("bench/pages")
        self.crawler.stats.inc_value("bench/bytes", len(response.body))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index_url")
    parser.add_argument("summary", type=Path)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args(argv)
    # Scrapy's defaults only: SCRAPY_SETTINGS_MODULE would pull in newsvault's settings.
    os.environ.pop("SCRAPY_SETTINGS_MODULE", None)
    settings = Settings(crawl_settings(args.concurrency))
    settings.set("LOG_FILE", str(args.summary.with_suffix(".log")))
    # As in newsvault's settings, components that are off are not even imported.
    settings.set("EXTENSIONS", {"scrapy.extensions.remote_control.RemoteControl": None})
    settings.set("DOWNLOADER_MIDDLEWARES",
                 {"scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None})
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(BareSitemapSpider)
    process.crawl(crawler, index_url=args.index_url)
    process.start()
    assert crawler.stats is not None
    write_summary(args.summary, {"stats": jsonable(crawler.stats.get_stats())})


if __name__ == "__main__":
    main()
