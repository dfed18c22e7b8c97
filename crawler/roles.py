"""The part a crawl process plays: alone (the default), or, in distributed mode, a seed or
a worker of the shared frontier (``crawler.frontier``). Kept apart from that module so a
single-machine crawl never imports scrapy-redis (the ``distributed`` extra)."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis import Redis

ROLE_SETTING = "NEWSVAULT_FRONTIER_ROLE"
STANDALONE, SEED, WORKER = "standalone", "seed", "worker"


def role_of(settings: Any) -> str:
    return str(settings.get(ROLE_SETTING) or STANDALONE)


def connect(url: str) -> Redis:
    """A Redis client; a clear error when the distributed extra is not installed."""
    require_distributed()
    from redis import Redis

    return Redis.from_url(url)


def require_distributed() -> None:
    """A clear error when the ``distributed`` extra (scrapy-redis, redis) is missing."""
    from importlib.util import find_spec

    if find_spec("scrapy_redis") is None or find_spec("redis") is None:
        from crawler.options import UsageError

        raise UsageError("NEWSVAULT_REDIS_URL needs the distributed extra: "
                         "pip install 'newsvault[distributed]'")


def worker_id() -> str:
    """Unique across the cluster: host and process (host names differ between machines
    and containers; process ids differ on one host). Names a worker's heartbeat, its
    in-flight requests and its WARC files."""
    return f"{socket.gethostname()}-{os.getpid()}"
