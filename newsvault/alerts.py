"""Failure alerts: a command and/or a webhook called with one JSON object per alert.

Events:

- ``run_failed``: a run ended ``failed``, or ``interrupted`` by something other than an
  orderly stop of the scheduler (a time limit, a kill);
- ``zero_new_articles``: the outlet's last ``alert_zero_runs`` successful runs in a row
  stored no new article (then again every ``alert_zero_runs`` runs while it lasts): the
  sign of a silent site redesign that the parsers no longer understand;
- ``run_missed``: the scheduler could not start a run in time (it was down, or busy).

Whoever started an unattended run reports it: the scheduler for its runs (it adds the
last lines of the child's stderr), ``newsvault crawl --trigger cron`` for its own.

``alert_command`` gets the JSON on stdin (split like a shell command line, run without a
shell). ``alert_webhook`` is POSTed the JSON (``Content-Type: application/json``). A
failing delivery is logged and never stops a crawl or the scheduler.
"""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import urllib.request
from dataclasses import dataclass
from typing import Any

from catalog import queries
from catalog.db import connect
from newsvault import __version__
from newsvault.config import Config

logger = logging.getLogger(__name__)

FAILED = ("failed", "interrupted")
TIMEOUT = 15.0  # seconds for a webhook or a command: an alert must not hold up the next run
SUMMARY_STATS = {"pages": "downloader/response_count", "articles": "newsvault/articles/stored",
                 "errors": "log_count/ERROR"}


@dataclass(frozen=True)
class RunReport:
    """What the starter of a run knows beyond the catalog's record of it."""

    run_id: str
    exit_code: int | None = None
    stderr_tail: tuple[str, ...] = ()
    entry: str | None = None  # schedule entry, when the scheduler started the run


def after_run(config: Config, report: RunReport) -> list[dict[str, Any]]:
    """Send the alerts a finished run calls for; return their payloads."""
    payloads = evaluate(config, report)
    for payload in payloads:
        send(config, payload)
    return payloads


def evaluate(config: Config, report: RunReport) -> list[dict[str, Any]]:
    """The alerts a finished run calls for (none for ok runs, skips and scheduler stops)."""
    engine = connect(config.catalog_url)
    run = queries.run(engine, report.run_id)
    if run is None:
        return []
    if run["status"] in FAILED:
        return [payload("run_failed", config, run, report,
                        f"{run['outlet']}: run {run['id']} {run['status']}: "
                        f"{_first_line(run.get('error'))}")]
    if run["status"] != "ok":
        return []
    streak = zero_streak(config, run["outlet"])
    if streak and streak % config.alert_zero_runs == 0:
        alert = payload("zero_new_articles", config, run, report,
                        f"{run['outlet']}: no new article in the last {streak} runs; has "
                        f"the site changed? run `newsvault check {run['outlet']}`")
        alert["zero_new_runs"] = streak
        return [alert]
    return []


def zero_streak(config: Config, outlet: str) -> int:
    """How many of the outlet's latest ok runs in a row stored no new article."""
    if config.alert_zero_runs <= 0:
        return 0
    engine = connect(config.catalog_url)
    # A distributed crawl's seed run fetches nothing by design: only fetching runs count.
    recent = [r["id"] for r in queries.runs(engine, outlet, limit=50 * config.alert_zero_runs)
              if r["status"] == "ok"
              and not (r["stats"] or {}).get("newsvault/frontier/seeded")]
    counts = queries.new_article_counts(engine, recent)
    streak = 0
    for run_id in recent:  # newest first
        if counts[run_id]:
            break
        streak += 1
    return streak


def payload(event: str, config: Config, run: dict[str, Any], report: RunReport,
            summary: str) -> dict[str, Any]:
    """One alert's JSON object."""
    stats = run.get("stats") or {}
    return {
        "event": event, "summary": summary, "outlet": run["outlet"],
        "edition": run.get("edition"), "entry": report.entry, "run_id": run["id"],
        "trigger": run["trigger"], "status": run["status"], "exit_code": report.exit_code,
        "started_at": run.get("started_at"), "finished_at": run.get("finished_at"),
        "error": run.get("error"), "stderr_tail": list(report.stderr_tail),
        "stats": {k: stats.get(key, 0) for k, key in SUMMARY_STATS.items()},
        "log": str(config.home / "logs" / f"{run['id']}.log"), "host": config.host,
        "software": f"newsvault/{__version__}",
    }


def send(config: Config, alert: dict[str, Any]) -> None:
    """Deliver one alert to the configured command and webhook (either, both or none)."""
    body = json.dumps(alert, ensure_ascii=False, default=str)
    logger.warning("alert %s: %s", alert.get("event"), alert.get("summary"))
    if config.alert_command:
        _run_command(config.alert_command, body)
    if config.alert_webhook:
        _post(config.alert_webhook, body, config.agent)


def _run_command(command: str, body: str) -> None:
    try:
        done = subprocess.run(shlex.split(command), input=body, text=True, timeout=TIMEOUT,
                              capture_output=True, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.error("alert command %r could not run: %s; check NEWSVAULT_ALERT_COMMAND",
                     command, exc)
        return
    if done.returncode != 0:
        logger.error("alert command %r exited %d: %s", command, done.returncode,
                     done.stderr.strip()[-500:])


def _post(url: str, body: str, agent: str) -> None:
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
        "Content-Type": "application/json", "User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except (OSError, ValueError) as exc:
        logger.error("alert webhook %s failed: %s; check NEWSVAULT_ALERT_WEBHOOK", url, exc)


def _first_line(text: str | None) -> str:
    return (text or "no error recorded").splitlines()[0]
