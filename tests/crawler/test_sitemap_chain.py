"""Child sitemaps are read one at a time, so the frontier holds one child's articles, and
each is read before the previous child's last articles are fetched."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from bench.spider import SyntheticSpider
from crawler.outlet import READ_AHEAD

BASE = "https://synthetic.bench/"


def index(children: int) -> bytes:
    items = "".join(f"<sitemap><loc>{BASE}sitemap-{n}.xml</loc>"
                    f"<lastmod>2024-01-{n + 1:02d}</lastmod></sitemap>" for n in range(children))
    return (f'<?xml version="1.0"?><sitemapindex xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>').encode()


def urlset(child: int, articles: int) -> bytes:
    items = "".join(f"<url><loc>{BASE}news/2024/01/01/{child}{n:03d}-story/</loc></url>"
                    for n in range(articles))
    return (f'<?xml version="1.0"?><urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>').encode()


def spider() -> Any:
    crawler = get_crawler(SyntheticSpider)  # settings frozen: skip from_crawler's delay
    crawler.spider = SyntheticSpider(since="2000-01-01")
    crawler.spider._set_crawler(crawler)
    return crawler.spider


def response(request: Request, body: bytes) -> XmlResponse:
    return XmlResponse(request.url, body=body, request=request)


def test_children_are_read_one_at_a_time_and_a_failed_one_stops_none() -> None:
    s = spider()
    first = s.source_request(s.sources[0], "en", BASE)
    (child,) = list(s.parse_sitemap(response(first, index(3))))
    assert len(child.meta["nv_children"]) == 2  # the other two wait for this one

    out = list(s.parse_sitemap(response(child, urlset(0, 5))))
    articles, sitemaps = out[:-1], out[-1:]
    assert len(articles) == 5 and all(r.callback == s.parse_article for r in articles)
    (second,) = sitemaps
    assert second.callback == s.parse_sitemap and len(second.meta["nv_children"]) == 1
    assert second.priority > max(r.priority for r in articles)  # a short child: all read ahead

    failure = Failure(ConnectionError("refused"))
    failure.request = second  # type: ignore[attr-defined]
    (third,) = list(s.source_failed(failure))
    assert third.meta["nv_children"] == [] and third.url not in (child.url, second.url)
    assert list(s.parse_sitemap(response(third, urlset(2, 1))))[-1].callback == s.parse_article


def test_the_next_child_is_read_ahead_of_the_last_articles_and_none_starve() -> None:
    s = spider()
    first = s.source_request(s.sources[0], "en", BASE)
    (child,) = list(s.parse_sitemap(response(first, index(3))))
    *articles, second = s.parse_sitemap(response(child, urlset(1, 300)))
    *later, third = s.parse_sitemap(response(second, urlset(2, 300)))
    *last, = s.parse_sitemap(response(third, urlset(3, 300)))
    head, tail = articles[:-READ_AHEAD], articles[-READ_AHEAD:]
    # Dequeued highest first: the first child's head, then the second child (while the
    # first child's last articles are fetched), then that tail, then the second's head.
    assert min(r.priority for r in head) > second.priority > max(r.priority for r in tail)
    assert min(r.priority for r in tail) > max(r.priority for r in later)
    assert min(r.priority for r in later[:-READ_AHEAD]) > third.priority
    assert third.priority > max(r.priority for r in later[-READ_AHEAD:])
    # The last child has no next one to read ahead of: all its articles rank alike.
    assert len({r.priority for r in last}) == 1 and len(last) == 300
