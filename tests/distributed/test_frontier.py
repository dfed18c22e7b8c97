"""The shared frontier's parts against a real Redis: reliable pops, requeues of dead
workers' requests, the canonical dupefilter, the cluster-wide politeness slot."""

from __future__ import annotations

import itertools
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy import Request

from crawler import frontier
from crawler.politeness import reserve
from tests.conftest import ROOT, Home
from tests.e2e.archive import provenance, rows  # provenance(): JSON column as a dict

pytestmark = pytest.mark.server


class Outlet(scrapy.Spider):
    name = "sana"

    def parse_article(self, response: Any) -> None:
        """A callback, so requests can be queued by name."""


def queue(server: Any) -> frontier.ReliableQueue:
    return frontier.ReliableQueue(server, Outlet(), frontier.key("sana", "requests"))


@pytest.fixture
def server(redis_url: str) -> Any:
    from crawler.roles import connect

    return connect(redis_url)


def test_pop_moves_the_request_in_flight_until_finished(server: Any) -> None:
    spider, q = Outlet(), queue(server)
    q.push(Request("http://sana.sy/en/?p=1", callback=spider.parse_article, priority=5,
                   meta={"nv_canonical": "https://sana.sy/en/?p=1"}))
    inflight = frontier.key("sana", "inflight", "w1")
    popped = q.pop_tracked(inflight)
    assert popped is not None
    request, member = popped
    assert request.url == "http://sana.sy/en/?p=1" and request.priority == 5
    assert request.meta["nv_canonical"] == "https://sana.sy/en/?p=1"
    assert request.callback.__name__ == "parse_article"
    assert frontier.frontier_state(server, "sana") == {"queued": 0, "in_flight": 1}
    assert server.hget(inflight, member) is not None
    assert q.pop_tracked(inflight) is None  # nothing left to pop


def test_transient_meta_never_reaches_the_queue(server: Any) -> None:
    q = queue(server)
    q.push(Request("http://sana.sy/en/?p=2", meta={
        "download_slot": "sana.sy", "nv_wire": object(), "keep": [1, 2],
        "unpicklable": (lambda: None)}))
    popped = q.pop_tracked(frontier.key("sana", "inflight", "w1"))
    assert popped is not None
    assert popped[0].meta == {"keep": [1, 2]}


def test_a_dead_workers_requests_go_back_to_the_queue(server: Any) -> None:
    q = queue(server)
    for n in range(3):
        q.push(Request(f"http://sana.sy/en/?p={n}", priority=n))
    alive, dead = (frontier.key("sana", "inflight", w) for w in ("alive", "dead"))
    server.set(frontier.worker_key("alive"), "{}", ex=30)  # "dead" has no heartbeat
    assert q.pop_tracked(alive) is not None and q.pop_tracked(dead) is not None
    assert frontier.reap_dead(server, "sana") == 1
    assert frontier.frontier_state(server, "sana") == {"queued": 2, "in_flight": 1}
    assert frontier.reap_dead(server, "sana") == 0  # only once
    # The requeued request keeps its priority: the highest comes out first again.
    popped = q.pop_tracked(alive)
    assert popped is not None and popped[0].priority == 1


def test_dupefilter_dedupes_by_canonical_url(server: Any) -> None:
    """Two forms of one SANA article are one request, as on one machine; scrapy-redis's
    own fingerprint would fetch both."""
    from scrapy.utils.test import get_crawler
    from scrapy_redis.dupefilter import RFPDupeFilter

    from crawler.fingerprint import CanonicalFingerprinter
    from crawler.spiders.sana import SanaSpider

    crawler = get_crawler(SanaSpider, {"REQUEST_FINGERPRINTER_CLASS": CanonicalFingerprinter})
    crawler.spider = SimpleNamespace(url_rules=SanaSpider.urls)  # what the fingerprint reads
    short, canonical = "https://sana.sy/en/politics/123/", "https://sana.sy/en/?p=123"
    assert SanaSpider.urls.canonical_url(short) == canonical
    dupes = frontier.CanonicalDupeFilter(server, frontier.key("sana", "dupefilter"))
    dupes.fingerprinter = crawler.request_fingerprinter
    assert not dupes.request_seen(Request(short))
    assert dupes.request_seen(Request(canonical))
    plain = RFPDupeFilter(server, "plain")
    assert plain.request_fingerprint(Request(short)) != plain.request_fingerprint(
        Request(canonical))


def test_politeness_slots_are_spaced_across_workers(server: Any, redis_url: str) -> None:
    from crawler.roles import connect

    other = connect(redis_url)  # a second worker's connection
    waits = [reserve(client, "sana.sy", 0.25) for client in (server, other) * 4]
    # Each reservation starts one delay after the previous one, whoever made it (less the
    # few milliseconds that passed between the calls).
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert waits[0] < 0.05
    assert all(0.2 < gap <= 0.25 for gap in gaps), gaps
    assert reserve(server, "other.example", 0.25) < 0.05  # hosts are independent


def test_scrapy_crawl_seeds_the_shared_frontier(redis_url: str, server: Any,
                                                home: Home) -> None:
    """`scrapy crawl` has the same effect as `newsvault crawl`: in distributed mode, a
    seed (nothing is fetched, so no site is needed)."""
    home.env["NEWSVAULT_REDIS_URL"] = redis_url
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "sana", "-a",
                           "edition=en"], cwd=ROOT, env=home.env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    state = frontier.frontier_state(server, "sana")
    assert state["queued"] >= 2 and state["in_flight"] == 0  # feed, sitemaps, listings
    info = frontier.crawl_info(server, "sana")
    assert info is not None and info["args"]["edition"] == "en"
    (run,) = rows(home.catalog_url, "SELECT status, stats FROM runs")
    assert run["status"] == "ok"
    assert provenance(run["stats"])["newsvault/frontier/seeded"] == state["queued"]
