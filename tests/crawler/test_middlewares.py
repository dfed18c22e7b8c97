from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from crawler.middlewares import retry_after_seconds


def test_retry_after_delta_seconds_and_dates() -> None:
    assert retry_after_seconds(b"2", cap=120) == 2.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True).encode()
    value = retry_after_seconds(soon, cap=120)
    assert value is not None and 25 <= value <= 31
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True).encode()
    assert retry_after_seconds(past, cap=120) == 0.0


def test_retry_after_too_long_or_invalid() -> None:
    assert retry_after_seconds(b"3600", cap=120) is None  # give up rather than hammer
    assert retry_after_seconds(b"soon", cap=120) is None
    assert retry_after_seconds(None, cap=120) is None
