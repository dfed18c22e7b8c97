"""Schedule definitions: the TOML file, checked entry by entry and field by field.

A file has three tables. ``[daemon]`` holds the scheduler's own settings, ``[defaults]``
any entry field, and ``[jobs.<name>]`` one entry per outlet (and edition)::

    [daemon]
    max_parallel = 2        # crawls of different outlets at once
    stop_grace = "2m"       # after SIGTERM, how long crawls get to close their WARC files

    [defaults]
    timezone = "UTC"
    jitter = "2m"

    [jobs.sana-en]
    outlet = "sana"
    cron = "15 */2 * * *"   # or 6 fields, seconds first; or: interval = "90s"
    edition = "en"          # any `newsvault crawl` option: edition, since, limit, ...

Durations are seconds (a number) or text such as ``"90s"``, ``"15m"``, ``"1h30m"``, ``"1d"``.
Every problem is reported at once, each naming its entry and field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schedules.fields import CRAWL_OPTIONS, ENTRY_FIELDS, FieldError, check_option, duration

DEFAULT_FILE = Path(__file__).with_name("schedule.toml")
DAEMON_DEFAULTS: dict[str, Any] = {"max_parallel": 2, "stop_grace": "2m"}
ENTRY_DEFAULTS: dict[str, Any] = {"timezone": "UTC", "jitter": 0, "time_limit": "3h",
                                  "misfire_grace": "1h", "enabled": True}
NAME_RX = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class ScheduleError(ValueError):
    """The schedule file is wrong; each line names the entry, the field and the fix."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Entry:
    """One scheduled crawl: when, with which options, under which limits."""

    name: str
    outlet: str
    cron: str | None
    interval: float | None
    timezone: str
    jitter: int
    time_limit: float
    misfire_grace: int
    enabled: bool
    options: tuple[tuple[str, Any], ...]  # crawl options, in CRAWL_OPTIONS order

    @property
    def edition(self) -> str | None:
        return dict(self.options).get("edition")

    def argv(self) -> list[str]:
        """The ``newsvault crawl`` arguments of this entry (without ``--trigger``)."""
        args = [self.outlet]
        for key, value in self.options:
            flag = "--" + key.replace("_", "-")
            if isinstance(value, bool):
                args += [flag] if value else []
            else:
                args += [flag, str(value)]
        return args

    def describe(self) -> str:
        """How the entry fires, in words (also the key that tells a changed schedule)."""
        when = f"cron '{self.cron}'" if self.cron else f"every {self.interval:g}s"
        return f"{when} {self.timezone}" + (f", jitter {self.jitter}s" if self.jitter else "")


@dataclass(frozen=True)
class DaemonSettings:
    """The scheduler's own settings."""

    max_parallel: int
    stop_grace: float


@dataclass(frozen=True)
class Schedule:
    """A checked schedule file."""

    path: Path
    daemon: DaemonSettings
    entries: tuple[Entry, ...]

    def enabled(self) -> list[Entry]:
        return [e for e in self.entries if e.enabled]

    def select(self, name: str) -> list[Entry]:
        """The entry called ``name``, or every enabled entry of the outlet ``name``."""
        exact = [e for e in self.entries if e.name == name]
        return exact or [e for e in self.enabled() if e.outlet == name]


def load(path: Path | None = None,
         outlets: Mapping[str, Sequence[str]] | None = None) -> Schedule:
    """Read and check a schedule file (the shipped one by default).

    ``outlets`` maps each known outlet to its editions; given, outlet and edition names are
    checked against it. Raises ScheduleError listing every problem.
    """
    path = path or DEFAULT_FILE
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(path, [f"cannot read the file: {exc}"]) from None
    problems: list[str] = []
    unknown = set(doc) - {"daemon", "defaults", "jobs"}
    if unknown:
        problems.append(f"unknown table(s) {', '.join(sorted(unknown))}: use [daemon], "
                        "[defaults] and [jobs.<name>]")
    daemon = _daemon(doc.get("daemon", {}), problems)
    defaults = doc.get("defaults", {})
    _check_keys("[defaults]", defaults, ENTRY_FIELDS | set(CRAWL_OPTIONS), problems)
    jobs = doc.get("jobs", {})
    if not jobs:
        problems.append("no [jobs.<name>] entry: add one per outlet (see schedules/schedule.toml)")
    entries = [_entry(name, {**ENTRY_DEFAULTS, **defaults, **table}, path.parent, outlets,
                      problems) for name, table in jobs.items()]
    if problems:
        raise ScheduleError(path, problems)
    return Schedule(path, daemon, tuple(e for e in entries if e is not None))


def _daemon(table: dict[str, Any], problems: list[str]) -> DaemonSettings:
    _check_keys("[daemon]", table, set(DAEMON_DEFAULTS), problems)
    values = {**DAEMON_DEFAULTS, **table}
    parallel = values["max_parallel"]
    if isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1:
        problems.append(f"[daemon] max_parallel: {parallel!r} must be a whole number >= 1")
        parallel = 1
    try:
        grace = duration(values["stop_grace"])
    except FieldError as exc:
        problems.append(f"[daemon] stop_grace: {exc}")
        grace = 0.0
    return DaemonSettings(parallel, grace)


def _check_keys(where: str, table: Any, allowed: set[str], problems: list[str]) -> bool:
    if not isinstance(table, dict):
        problems.append(f"{where}: must be a table")
        return False
    for key in sorted(set(table) - allowed):
        problems.append(f"{where} {key}: unknown field; valid: {', '.join(sorted(allowed))}")
    return True


def _entry(name: str, table: Any, base: Path, outlets: Mapping[str, Sequence[str]] | None,
           problems: list[str]) -> Entry | None:
    where = f"[jobs.{name}]"
    before = len(problems)
    if not NAME_RX.fullmatch(name):
        problems.append(f"{where}: name it with a-z, 0-9, _ and - (e.g. sana-en)")
    if not _check_keys(where, table, ENTRY_FIELDS | set(CRAWL_OPTIONS), problems):
        return None
    from schedules.fields import check_entry

    checked = check_entry(table, base, outlets, lambda field, msg: problems.append(
        f"{where} {field}: {msg}"))
    if len(problems) > before or checked is None:
        return None
    options = tuple((k, check_option(k, table[k], base)) for k in CRAWL_OPTIONS if k in table)
    return Entry(name=name, options=options, **checked)
