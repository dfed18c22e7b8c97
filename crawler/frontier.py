"""The shared frontier of distributed mode (``NEWSVAULT_REDIS_URL``), on scrapy-redis.

One crawl of an outlet is a *generation* of its frontier, in three roles:

- **seed** (``newsvault crawl``, the scheduler, ``scrapy crawl``): the spider's discovery
  requests (feeds, sitemaps, listings, due re-checks, a URL list) go into the Redis queue
  through scrapy-redis's scheduler and dupefilter, and nothing is fetched
  (``SeedScheduler``). A seed into an empty frontier starts a new generation: it clears the
  dupefilter and publishes the crawl's options for the workers.
- **worker** (``newsvault worker`` children): pop requests, fetch, archive, and push what
  they discover back (``WorkerScheduler``). scrapy-redis pops destructively, so a worker that
  died would lose what it had popped. Here a pop moves the request atomically (Lua) into the
  worker's *in-flight* hash; it leaves that hash only when Scrapy has finished with it
  (downloaded, parsed, items archived). A worker's heartbeat key expires when it dies, and
  any worker then moves the dead one's in-flight requests back into the queue: at least
  once, never lost (a request re-fetched after a crash is a second capture, not a gap).

Redis keys, per outlet: ``newsvault:<outlet>:requests`` (scrapy-redis priority queue),
``:dupefilter`` (fingerprints by ``crawler.fingerprint``, as on one machine), ``:crawl``
(the generation's options, JSON), ``:articles`` (the --limit counter),
``:inflight:<worker>``; and ``newsvault:worker:<worker>`` (heartbeats).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import time
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.roles import ROLE_SETTING, SEED, WORKER, worker_id

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

    from newsvault.config import Config

logger = logging.getLogger(__name__)

TICK = 1.0  # heartbeat, finished-request bookkeeping and idle polling, in seconds
DRAIN_GRACE = 2.0  # a worker stops after the frontier has been empty this long
# Requests one worker holds at once. Scrapy takes as many as it has slots (16 by default);
# a worker holding that many while it waits for the host's politeness slot starves the
# others, and strands more when it dies. Two per host, two hosts: enough to keep busy.
WORKER_CONCURRENCY = 4
# Meta a request picks up on its way through one process; never carried into the queue.
TRANSIENT_META = ("download_slot", "download_latency", "nv_wire", "nv_capture", "_nv_popped")


def key(outlet: str, *parts: str) -> str:
    return ":".join(("newsvault", outlet, *parts))


def worker_key(worker: str) -> str:
    return f"newsvault:worker:{worker}"


def distributed_settings(config: Config, role: str) -> dict[str, Any]:
    """Scrapy settings for a role ("seed" or "worker"); none without a Redis URL."""
    if not config.redis_url:
        return {}
    scheduler = {SEED: SeedScheduler, WORKER: WorkerScheduler}[role]
    worker = {"CONCURRENT_REQUESTS": WORKER_CONCURRENCY} if role == WORKER else {}
    return {
        **worker,
        ROLE_SETTING: role,
        "REDIS_URL": config.redis_url,
        "SCHEDULER": f"{__name__}.{scheduler.__name__}",
        "SCHEDULER_QUEUE_CLASS": f"{__name__}.ReliableQueue",
        "SCHEDULER_QUEUE_KEY": "newsvault:%(spider)s:requests",
        "DUPEFILTER_CLASS": f"{__name__}.CanonicalDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": "newsvault:%(spider)s:dupefilter",
        "SCHEDULER_PERSIST": True,  # the frontier outlives every process that uses it
    }


# -- the queue ----------------------------------------------------------------------------

# Pop the first request and record it in flight, in one step (no window where a crash
# loses it).
_POP = """
local m = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #m == 0 then return false end
redis.call('ZREM', KEYS[1], m[1])
redis.call('HSET', KEYS[2], m[1], m[2])
return m
"""
# Put every request of an in-flight hash back into the queue; only one caller wins.
_REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do redis.call('ZADD', KEYS[2], all[i + 1], all[i]) end
redis.call('DEL', KEYS[1])
return #all / 2
"""


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue, with pops recorded in a worker's in-flight hash."""

    def _encode_request(self, request: Request) -> bytes:
        # Drop what only this process needs; anything else unpicklable is named, not lost.
        meta = {k: v for k, v in request.meta.items() if k not in TRANSIENT_META}
        clean = request.replace(meta=meta)
        try:
            return bytes(super()._encode_request(clean))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            bad = sorted(k for k, v in meta.items() if not _picklable(v))
            logger.warning("request %s: meta %s cannot be queued (%s); dropped from it",
                           request.url, bad, exc)
            return bytes(super()._encode_request(
                request.replace(meta={k: v for k, v in meta.items() if k not in bad})))

    def pop_tracked(self, inflight: str) -> tuple[Request, bytes] | None:
        got = self.server.eval(_POP, 2, self.key, inflight)
        if not got:
            return None
        member = bytes(got[0])
        try:
            return self._decode_request(member), member
        except Exception:  # e.g. a callback this version of the spider no longer has
            logger.exception("cannot decode a queued request; kept in %s:rejected", self.key)
            self.server.rpush(f"{self.key}:rejected", member)
            self.server.hdel(inflight, member)
            return None


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def requeue(server: Redis, inflight: str, queue: str) -> int:
    """Move an in-flight hash back into the queue; returns how many requests moved."""
    return int(server.eval(_REQUEUE, 2, inflight, queue))


def reap_dead(server: Redis, outlet: str) -> int:
    """Requeue the in-flight requests of every worker whose heartbeat has expired."""
    moved = 0
    for name in server.scan_iter(match=key(outlet, "inflight", "*"), count=200):
        inflight = name.decode()
        worker = inflight.rsplit(":", 1)[-1]
        if not server.exists(worker_key(worker)):
            count = requeue(server, inflight, key(outlet, "requests"))
            if count:
                logger.warning("worker %s is gone: %d of its requests are back in the queue",
                               worker, count)
            moved += count
    return moved


def frontier_state(server: Redis, outlet: str) -> dict[str, int]:
    """How much work the outlet's frontier holds: queued and in flight (all workers)."""
    inflight = sum(int(server.hlen(name)) for name in
                   server.scan_iter(match=key(outlet, "inflight", "*"), count=200))
    return {"queued": int(server.zcard(key(outlet, "requests"))), "in_flight": inflight}


def crawl_info(server: Redis, outlet: str) -> dict[str, Any] | None:
    """The generation being served: seed run id, trigger and crawl options."""
    raw = server.get(key(outlet, "crawl"))
    return json.loads(raw) if raw else None


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter with our request fingerprints (canonical URLs, as the
    single-machine crawl dedupes), instead of its own."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Spider) -> CanonicalDupeFilter:
        dupefilter: CanonicalDupeFilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        if self.fingerprinter is None:
            return str(super().request_fingerprint(request))
        return str(self.fingerprinter.fingerprint(request).hex())


# -- the two roles ------------------------------------------------------------------------

class SeedScheduler(Scheduler):
    """Enqueues into the shared frontier and hands nothing to this process's downloader."""

    def open(self, spider: Spider) -> None:
        super().open(spider)
        server, outlet = self.server, spider.name
        if not any(frontier_state(server, outlet).values()):
            # A new generation: what the last crawl saw must be fetchable again.
            self.df.clear()
            server.delete(key(outlet, "articles"))
        options = getattr(spider, "options", None)
        server.set(key(outlet, "crawl"), json.dumps({
            "run_id": spider.settings.get("NEWSVAULT_RUN_ID"),
            "trigger": getattr(options, "trigger", "manual"),
            "args": seed_args(spider), "at": time.time()}))
        attach_counter(spider, server)

    def enqueue_request(self, request: Request) -> bool:
        added = bool(super().enqueue_request(request))
        if added and self.stats is not None:
            self.stats.inc_value("newsvault/frontier/seeded")
        return added

    def next_request(self) -> Request | None:
        return None

    def has_pending_requests(self) -> bool:
        return False


def seed_args(spider: Spider) -> dict[str, Any]:
    """The options a worker needs to serve this crawl as the seed would (the URL list
    and the due re-checks are already requests in the queue)."""
    o = getattr(spider, "options", None)
    if o is None:
        return {}
    proxy = spider.settings.get("NEWSVAULT_PROXY") or None
    return {"edition": o.edition, "since": o.since.isoformat() if o.since else None,
            "limit": o.limit, "base_url": o.base_url, "delay": o.delay, "proxy": proxy}


class WorkerScheduler(Scheduler):
    """Pops from the shared frontier with in-flight tracking, keeps a heartbeat, requeues
    the work of dead workers, and lets the spider close once the frontier is drained."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.worker = worker_id()
        self.popped: dict[Request, bytes] = {}
        self.ticker: LoopingCall | None = None
        self.quiet_since: float | None = None
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerScheduler:
        scheduler: WorkerScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        crawler.signals.connect(scheduler.idle, signal=signals.spider_idle)
        return scheduler

    @property
    def inflight(self) -> str:
        return key(self.spider.name, "inflight", self.worker)

    def open(self, spider: Spider) -> None:
        super().open(spider)
        _in_progress(self.crawler)  # fail at once on a Scrapy whose engine we cannot read
        self.beat()
        reap_dead(self.server, spider.name)
        attach_counter(spider, self.server)
        self.ticker = LoopingCall(self.tick)
        self.ticker.start(TICK, now=False)

    def close(self, reason: str) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        # Whatever is still in flight (a shutdown mid-download) goes back for others.
        moved = requeue(self.server, self.inflight, key(self.spider.name, "requests"))
        if moved:
            logger.info("returned %d unfinished requests to the shared frontier", moved)
        self.server.delete(worker_key(self.worker))
        super().close(reason)

    def next_request(self) -> Request | None:
        popped = self.queue.pop_tracked(self.inflight)
        if popped is None:
            return None
        request, member = popped
        self.popped[request] = member
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def beat(self) -> None:
        settings = self.spider.settings
        self.server.set(worker_key(self.worker), json.dumps(
            {"outlet": self.spider.name, "pid": os.getpid(),
             "run_id": settings.get("NEWSVAULT_RUN_ID")}),
            ex=max(2, settings.getint("NEWSVAULT_WORKER_HEARTBEAT", 30)))

    def tick(self) -> None:
        """Heartbeat; forget requests Scrapy has finished with; look for new work."""
        self.beat()
        active = _in_progress(self.crawler)
        done = [member for request, member in self.popped.items() if request not in active]
        if done:
            self.server.hdel(self.inflight, *done)
            self.popped = {r: m for r, m in self.popped.items() if r in active}
        _wake(self.crawler)

    def idle(self, spider: Spider) -> None:
        """Keep the spider open while the frontier has work anywhere in the cluster."""
        reap_dead(self.server, spider.name)
        if any(frontier_state(self.server, spider.name).values()):
            self.quiet_since = None
            raise DontCloseSpider
        self.quiet_since = self.quiet_since or time.monotonic()
        if time.monotonic() - self.quiet_since < DRAIN_GRACE:
            raise DontCloseSpider


def _in_progress(crawler: Crawler | None) -> set[Request]:
    """Requests the engine has not finished with (downloading, parsing or their items in
    the pipelines). Scrapy has no public API for this; pyproject.toml pins Scrapy to the
    tested range and tests/distributed runs workers against it."""
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    inprogress = getattr(slot, "inprogress", None)
    if not isinstance(inprogress, set):
        raise RuntimeError("this Scrapy's engine does not expose its requests in progress; "
                           "newsvault workers need Scrapy 2.13 to 2.19")
    return inprogress


def _wake(crawler: Crawler | None) -> None:
    """Ask the engine for the next request now, rather than at its 5 s heartbeat."""
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()


class SharedCounter:
    """The --limit count of a generation, shared by the seed and every worker."""

    def __init__(self, server: Redis, name: str) -> None:
        self.server, self.name = server, name

    def incr(self) -> int:
        return int(self.server.incr(self.name))

    def value(self) -> int:
        return int(self.server.get(self.name) or 0)


def attach_counter(spider: Spider, server: Redis) -> None:
    spider.article_counter = SharedCounter(server, key(spider.name, "articles"))  # type: ignore[attr-defined]
