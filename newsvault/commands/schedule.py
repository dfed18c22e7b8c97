"""``newsvault schedule``: the scheduler daemon, its jobs, and running a job now.

Exit status: 0 ok; 1 a run failed; 2 a bad schedule file or option; 75 already running
(another scheduler holds this archive, or the outlet is being crawled already).
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from newsvault import config as nvconfig
from newsvault.commands.archive import emit, json_option
from newsvault.crawl import EXIT_FAILED, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE
from newsvault.locks import AlreadyHeld, describe, lock_for
from schedules.spec import Schedule, ScheduleError, load

if TYPE_CHECKING:
    from schedules.jobs import Runner

file_option = click.option(
    "--file", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="Schedule file (default: schedules/schedule.toml, shipped with newsvault).")


def load_schedule(path: Path | None) -> Schedule:
    """The schedule file, checked against the outlets and editions that exist."""
    from crawler.spiders import registry

    outlets = {name: tuple(cls.editions) for name, cls in registry().items()}
    try:
        return load(path, outlets)
    except ScheduleError as exc:
        click.echo(f"newsvault schedule: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def log_to_stderr() -> None:
    """Log lines on stderr, stamped in UTC like every time newsvault records."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter("%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: "
                                  "%(message)s", datefmt="%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logging.basicConfig(level=logging.INFO, handlers=[handler])


@click.group()
def schedule() -> None:
    """Scheduled crawls: the daemon, its jobs, and running one now."""


@schedule.command("run")
@file_option
def run(path: Path | None) -> None:
    """Run the scheduler until SIGTERM or SIGINT (one per archive).

    Each job runs `newsvault crawl ... --trigger schedule` in a process of its own. On
    SIGTERM the running crawls get the file's stop_grace to close their WARC files.
    """
    from schedules.runner import Daemon

    config = nvconfig.load()
    plan = load_schedule(path)
    log_to_stderr()
    try:
        lock = lock_for(config, "scheduler").acquire()
    except AlreadyHeld as busy:
        click.echo(f"newsvault schedule run: a scheduler is running for this archive already "
                   f"({describe(busy.holder)}); stop it first", err=True)
        sys.exit(EXIT_SKIPPED)
    with lock:
        sys.exit(Daemon(config, plan).serve())


@schedule.command("list")
@file_option
@json_option
def list_jobs(path: Path | None, as_json: bool) -> None:
    """Every job with its next run time and its last run's result."""
    from catalog.db import connect
    from schedules.status import daemon_state, job_rows

    config = nvconfig.load()
    plan = load_schedule(path)
    rows = job_rows(connect(config.catalog_url), plan)
    if as_json:
        emit(rows, True, [], "")
        return
    Console().print(f"schedule {plan.path}\nscheduler {daemon_state(config)}")
    emit([_short(r) for r in rows], False, ["job", "when", "next run", "last run", "started",
                                            "articles"], "Jobs")


def _short(row: dict[str, Any]) -> dict[str, Any]:
    """A job row for a terminal: times to the minute, the error's first words."""
    def minute(value: str | None) -> str:
        return value[:16].replace("T", " ") if value else ""

    status = row["last_status"] or ""
    if row["last_error"] and status != "ok":
        status = f"{status}: {row['last_error'][:40]}"
    return {"job": row["job"] + ("" if row["enabled"] else " (disabled)"),
            "when": row["when"].replace("cron ", ""), "next run": minute(row["next_run"]),
            "last run": status, "started": minute(row["last_started_at"]),
            "articles": row["last_articles"]}


@schedule.command("run-now")
@click.argument("name")
@file_option
def run_now(name: str, path: Path | None) -> None:
    """Run job NAME now, in the foreground (NAME may be an outlet: all its jobs, in turn).

    The run is recorded with the trigger `manual`, under the job's limits; Ctrl-C stops
    it cleanly. If the outlet is being crawled already, it is skipped (exit status 75).
    """
    from schedules.jobs import Runner

    config = nvconfig.load()
    plan = load_schedule(path)
    entries = plan.select(name)
    if not entries:
        click.echo(f"newsvault schedule run-now: no job or outlet {name!r} in {plan.path}; "
                   f"jobs: {', '.join(e.name for e in plan.entries)}", err=True)
        sys.exit(EXIT_USAGE)
    log_to_stderr()
    runner = Runner(config, plan.daemon.stop_grace)
    stop = _stop_on_signals(runner)
    codes = []
    for entry in entries:
        outcome = runner.run(entry, "manual")
        codes.append(outcome.returncode if outcome else EXIT_FAILED)
    stop()
    sys.exit(_worst(codes))


def _stop_on_signals(runner: Runner) -> Callable[[], None]:
    """SIGINT/SIGTERM stop the child cleanly; returns a function restoring the handlers."""
    def handler(_signum: int, _frame: Any) -> None:
        runner.stop_all("shutdown")

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for signum, old in previous.items():
            signal.signal(signum, old)

    return restore


def _worst(codes: list[int]) -> int:
    if any(c not in (EXIT_OK, EXIT_SKIPPED) for c in codes):
        return EXIT_FAILED
    return EXIT_SKIPPED if EXIT_SKIPPED in codes else EXIT_OK


COMMANDS = [schedule]
