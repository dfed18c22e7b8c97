"""Failure alerts: a webhook (a loopback server here) and a command get a JSON payload."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Home
from tests.schedules.conftest import Webhook, quick_crawls, runs, schedule_text


def dead_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alert_command(path: Path) -> str:
    """An alert command appending each payload (stdin) as a line to ``path``."""
    code = f"import sys; open({str(path)!r}, 'a').write(sys.stdin.read() + '\\n')"
    return f"{sys.executable} -c {json.dumps(code)}"


def alerts_in(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.slow
def test_failed_run_alerts_webhook_and_command_with_stderr(home: Home,
                                                           webhook: Webhook) -> None:
    quick_crawls(home)
    sent = home.path / "alerts.jsonl"
    home.env.update({"NEWSVAULT_ALERT_WEBHOOK": webhook.url,
                     "NEWSVAULT_ALERT_COMMAND": alert_command(sent)})
    file = home.path / "schedule.toml"
    file.write_text(schedule_text({"broken": {  # all traffic to a proxy that is not there
        "outlet": "sana", "edition": "en", "cron": "0 3 * * *", "delay": 0,
        "proxy": f"http://127.0.0.1:{dead_port()}"}}))
    done = home.cli("schedule", "run-now", "broken", "--file", str(file))
    assert done.returncode == 1, done.stderr[-2000:]
    (alert,) = webhook.received
    assert alerts_in(sent) == [alert]
    assert alert["event"] == "run_failed" and alert["outlet"] == "sana"
    assert alert["entry"] == "broken" and alert["trigger"] == "manual"
    assert alert["status"] == "failed" and alert["exit_code"] == 1
    assert any("could not reach sana" in line for line in alert["stderr_tail"])
    assert alert["summary"].startswith(f"sana: run {alert['run_id']} failed: could not reach")
    (run,) = runs(home)
    assert run["id"] == alert["run_id"]
    assert "--- last lines of stderr ---" in run["error"]


@pytest.mark.slow
@pytest.mark.server
def test_cron_runs_alert_when_no_new_article_comes(replica: Any, home: Home) -> None:
    quick_crawls(home)
    sent = home.path / "alerts.jsonl"
    home.env.update({"NEWSVAULT_ALERT_COMMAND": alert_command(sent),
                     "NEWSVAULT_ALERT_ZERO_RUNS": "1"})
    urls = home.path / "urls.txt"
    urls.write_text(replica.manifest("emirates_voice")[0].canonical_url + "\n")
    for _ in range(2):  # new, then the same article again: no new article
        done = home.crawl("emirates_voice", "--urls", str(urls), "--delay", "0",
                          "--trigger", "cron", proxy=replica.proxy_url)
        assert done.returncode == 0, done.stderr[-2000:]
    (alert,) = alerts_in(sent)
    ok = [r for r in runs(home) if r["status"] == "ok"]
    assert len(ok) == 2 and alert["run_id"] == ok[-1]["id"]
    assert alert["event"] == "zero_new_articles" and alert["zero_new_runs"] == 1
    assert alert["trigger"] == "cron" and "newsvault check emirates_voice" in alert["summary"]


def test_seed_runs_of_a_distributed_crawl_are_not_zero_article_runs(tmp_path: Path) -> None:
    """A seed fetches nothing by design; only the runs that fetch can show a redesign."""
    from catalog.db import connect
    from catalog.writer import record_run
    from newsvault.alerts import zero_streak
    from newsvault.config import Config

    config = Config(home=tmp_path, alert_zero_runs=2)
    engine = connect(config.catalog_url)

    def run(n: int, stats: dict[str, Any]) -> None:
        record_run(engine, {"id": f"20261122T00000{n}Z-aaaaaa", "outlet": "sana",
                            "trigger": "schedule", "status": "ok", "stats": stats})

    for n in range(3):
        run(n, {"newsvault/frontier/seeded": 12})
    assert zero_streak(config, "sana") == 0
    run(3, {"downloader/response_count": 40})  # a worker's run that stored nothing
    run(4, {"newsvault/frontier/seeded": 12})
    assert zero_streak(config, "sana") == 1
