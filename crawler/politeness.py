"""Politeness for a whole cluster: one Redis-held time slot per host.

On one machine Scrapy's download slot spaces the requests to a host. With several workers
each would space only its own, and SANA's Crawl-delay would be exceeded N times over. In
distributed mode every request therefore *reserves* the next free start time of its host in
Redis, in one atomic step (Lua, on Redis's own clock, so the workers' clocks do not matter):

    at = max(now, next_free[host]);  next_free[host] = at + delay;  wait until at

We chose reservations over a lock or a token bucket because nothing is ever held: a worker
that dies after reserving only leaves one slot unused, so there is nothing to expire or
steal, and the spacing holds without any worker knowing the others. The reservation is made
in the download handler, just before the request is sent (after Scrapy's own slot queue),
so a request never waits behind its own worker once it has a time. ``delay`` is the host's
download-slot delay: the outlet's crawl_delay, robots.txt Crawl-delay (CrawlDelayMiddleware),
AutoThrottle's current value, or ``--delay``.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawler.roles import WORKER, connect, role_of

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# Woken later than this fraction of the delay after its slot, a request reserves again.
LATE_FRACTION = 0.2
MAX_RESERVATIONS = 10

# Returns the wait in seconds, as a string (Lua numbers become integers in replies).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.6f', at + delay),
           'PX', math.ceil((at - now + delay) * 1000) + 60000)
return string.format('%.6f', at - now)
"""


def slot_key(host: str) -> str:
    return f"newsvault:slot:{host}"


def reserve(server: Redis, host: str, delay: float) -> float:
    """Reserve the host's next start time; returns how long to wait for it (seconds)."""
    return float(server.eval(_RESERVE, 1, slot_key(host), f"{delay:.6f}"))


class ClusterSlot:
    """The wait before each request of a worker (see the module docstring)."""

    def __init__(self, crawler: Crawler, server: Redis) -> None:
        self.crawler = crawler
        self.server = server

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> ClusterSlot | None:
        """Only workers share hosts with other processes; everyone else has no gate."""
        settings = crawler.settings
        if role_of(settings) != WORKER or not settings.get("REDIS_URL"):
            return None
        return cls(crawler, connect(settings["REDIS_URL"]))

    def delay_for(self, request: Request) -> float:
        engine = self.crawler.engine
        default = self.crawler.settings.getfloat("DOWNLOAD_DELAY")
        if engine is None:
            return default
        downloader = engine.downloader
        slot: Any = downloader.slots.get(downloader.get_slot_key(request))
        return float(slot.delay) if slot is not None else default

    async def wait(self, request: Request) -> None:
        """Return at this request's reserved start time. A reactor busy with other work
        (extraction, catalog writes) may wake us late, when the next reservation, maybe
        another worker's, is close: then the slot is given up and a new one reserved."""
        delay = self.delay_for(request)
        if delay <= 0:
            return
        host = urlsplit(request.url).netloc
        for _ in range(MAX_RESERVATIONS):
            pause = reserve(self.server, host, delay)
            due = time.monotonic() + pause
            if pause > 0:
                await self._sleep(pause)
            if time.monotonic() - due <= delay * LATE_FRACTION:
                return
            self._count("newsvault/politeness/late_slots", 1)
        logger.warning("%s: could not keep a reserved slot for %s; sending anyway", host,
                       request.url)

    async def _sleep(self, seconds: float) -> None:
        self._count("newsvault/politeness/cluster_wait_ms", int(seconds * 1000))
        from twisted.internet import reactor  # the installed one (asyncio), not a default

        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    def _count(self, name: str, value: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(name, value)
