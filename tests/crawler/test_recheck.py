import math
from datetime import UTC, datetime, timedelta

import pytest

from crawler.recheck import Previous, RecheckPolicy, parse_steps

NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_young_articles_every_run_older_on_a_decaying_schedule() -> None:
    policy = RecheckPolicy()
    assert policy.due(ago(2), ago(2), ago(0.01), NOW)  # a week old: every run
    assert not policy.due(ago(10), ago(10), ago(0.5), NOW)  # under a month: daily
    assert policy.due(ago(10), ago(10), ago(1.2), NOW)
    assert not policy.due(ago(100), ago(100), ago(6), NOW)  # under a year: weekly
    assert policy.due(ago(100), ago(100), ago(8), NOW)
    assert not policy.due(ago(900), ago(900), ago(20), NOW)  # older: monthly
    assert policy.due(ago(900), ago(900), ago(31), NOW)
    assert policy.due(ago(900), ago(900), None, NOW)  # never checked
    assert policy.due(None, ago(3), ago(0.1), NOW)  # no date: first seen counts


def test_steps_are_configurable() -> None:
    assert parse_steps("30:1,365:7,*:30") == ((30, 1), (365, 7), (math.inf, 30))
    policy = RecheckPolicy(window=1, steps=parse_steps("*:0.5"))
    assert policy.due(ago(5), ago(5), ago(0.6), NOW)
    with pytest.raises(ValueError, match="AGE_DAYS:EVERY_DAYS"):
        parse_steps("30")


def test_previous_capture_makes_conditional_requests_and_revisit_targets() -> None:
    prev = Previous("https://x/?p=1", "https://x/a/1/", "abc", "2026-01-01T00:00:00.000000Z",
                    "f" * 64, '"etag-1"', "Thu, 01 Jan 2026 00:00:00 GMT", "live")
    assert prev.conditional_headers() == {"If-None-Match": '"etag-1"',
                                          "If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}
    assert prev.record_id == "<urn:uuid:abc>" and prev.payload_digest == "sha256:" + "f" * 64
    bare = Previous("c", "u", "id", "d", "0" * 64, None, None, "live")
    assert bare.conditional_headers() == {}
