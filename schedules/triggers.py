"""APScheduler 3 triggers from schedule entries: crontab syntax as cron means it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

if TYPE_CHECKING:
    from schedules.spec import Entry

CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
# crontab counts weekdays from Sunday (0 or 7); APScheduler 3 counts from Monday (0).
# Numbers are turned into names, which mean the same to both (a step such as */2 stays).
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DOW_NUMBER = re.compile(r"(?<![/\d])([0-7])(?!\d)")


def cron_fields(expr: str) -> dict[str, str]:
    """Crontab fields by APScheduler name; 6 fields mean seconds first."""
    parts = expr.split()
    if len(parts) not in (5, 6):
        raise ValueError(f"{len(parts)} fields; write 5 (minute hour day month weekday, as "
                         "in crontab) or 6 (seconds first)")
    names = ("second", *CRON_FIELDS) if len(parts) == 6 else CRON_FIELDS
    fields = dict(zip(names, parts, strict=True))
    fields["day_of_week"] = _DOW_NUMBER.sub(lambda m: _WEEKDAYS[int(m.group(1))],
                                            fields["day_of_week"])
    return fields


def build_trigger(cron: str | None, interval: float | None, timezone: str,
                  jitter: int) -> Any:
    """A CronTrigger or IntervalTrigger; ValueError says what is wrong with ``cron``."""
    tz = ZoneInfo(timezone)
    if cron is not None:
        try:
            return CronTrigger(timezone=tz, jitter=jitter or None, **cron_fields(cron))
        except ValueError as exc:
            raise ValueError(f"{cron!r}: {exc}") from None
    assert interval is not None
    return IntervalTrigger(seconds=interval, timezone=tz, jitter=jitter or None)


def trigger_of(entry: Entry) -> Any:
    """The entry's trigger."""
    return build_trigger(entry.cron, entry.interval, entry.timezone, entry.jitter)
