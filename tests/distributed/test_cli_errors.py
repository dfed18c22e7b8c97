"""Distributed mode's commands fail with one clear line, not a traceback."""

from __future__ import annotations

from tests.conftest import Home
from tests.support.pywb import free_port


def dead_redis() -> str:
    """A Redis URL nothing listens on (connections are refused at once)."""
    return f"redis://127.0.0.1:{free_port()}/0"


def test_unreachable_redis_is_one_line_naming_the_setting(home: Home) -> None:
    home.env["NEWSVAULT_REDIS_URL"] = dead_redis()
    for args in (("crawl", "sana", "--delay", "0"), ("frontier", "status", "sana")):
        done = home.cli(*args)
        assert done.returncode == 1, done.stderr[-2000:]
        assert done.stderr.startswith("newsvault: cannot reach Redis (")
        assert "NEWSVAULT_REDIS_URL" in done.stderr and "Traceback" not in done.stderr


def test_worker_without_redis_url_is_a_usage_error(home: Home) -> None:
    done = home.cli("worker", "sana")
    assert done.returncode == 2
    assert "set NEWSVAULT_REDIS_URL" in done.stderr
