"""Which held articles a run fetches again, and what it compares them with.

Young articles change most, so they are re-checked on every run; older ones on a decaying
schedule. Every re-check is a conditional request built from the previous capture, so an
unchanged article costs one 304 (or one identical payload) and becomes a WARC revisit
record, with no re-extraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

DAY = 86400.0


def parse_steps(text: str) -> tuple[tuple[float, float], ...]:
    """``"30:1,365:7,*:30"`` -> ((30, 1), (365, 7), (inf, 30)): below an age (days), re-check
    every so many days."""
    steps = []
    for part in text.split(","):
        age, _, every = part.strip().partition(":")
        if not every:
            raise ValueError(f"bad re-check step {part!r}: write AGE_DAYS:EVERY_DAYS, or *:DAYS")
        steps.append((math.inf if age.strip() == "*" else float(age), float(every)))
    return tuple(sorted(steps))


@dataclass(frozen=True)
class RecheckPolicy:
    """Articles younger than ``window`` days are re-checked every run; older ones when the
    last check is older than the step for their age. ``misses`` consecutive failures (5xx,
    timeouts) count as a deletion; a single one never does."""

    window: float = 7.0
    steps: tuple[tuple[float, float], ...] = ((30.0, 1.0), (365.0, 7.0), (math.inf, 30.0))
    misses: int = 3

    def due(self, published: datetime | None, first_seen: datetime,
            last_checked: datetime | None, now: datetime) -> bool:
        if last_checked is None:
            return True
        age = (now - (published or first_seen)).total_seconds() / DAY
        if age < self.window:
            return True
        since = (now - last_checked).total_seconds() / DAY
        every = next((e for limit, e in self.steps if age < limit), self.steps[-1][1])
        return since >= every


@dataclass(frozen=True)
class Previous:
    """The last full capture of an article: what a re-check is conditional on and what a
    revisit record refers to (it satisfies pipelines.warc.RevisitTarget)."""

    canonical_url: str
    url: str
    capture_id: str
    date: str  # WARC-Date of that response
    payload_sha256: str
    etag: str | None
    last_modified: str | None
    status: str  # the article's status: live | deleted

    @property
    def record_id(self) -> str:
        return f"<urn:uuid:{self.capture_id}>"

    @property
    def target_uri(self) -> str:
        return self.url

    @property
    def payload_digest(self) -> str:
        return f"sha256:{self.payload_sha256}"

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers
