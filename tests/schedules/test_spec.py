"""The schedule file: the shipped one is valid, and every mistake names its entry and field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsvault.commands.crawl import crawl
from schedules.fields import CRAWL_OPTIONS, duration
from schedules.spec import DEFAULT_FILE, ScheduleError, load
from schedules.triggers import build_trigger, cron_fields
from tests.schedules.conftest import schedule_text

OUTLETS = {"sana": ("en", "ar"), "prensa_latina": ("en", "es"),
           "emirates_voice": ("en", "ar")}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(text)
    return path


def test_shipped_schedule_covers_every_outlet_and_edition() -> None:
    plan = load(DEFAULT_FILE, OUTLETS)
    covered = {(e.outlet, e.edition) for e in plan.enabled()}
    assert covered == {(o, ed) for o, eds in OUTLETS.items() for ed in eds}
    assert all(e.cron and e.time_limit < 3600 for e in plan.enabled())
    assert plan.daemon.max_parallel >= 1 and plan.daemon.stop_grace > 0


def test_entry_options_become_crawl_arguments(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("https://sana.sy/en/\n")
    plan = load(write(tmp_path, schedule_text({"s": {
        "outlet": "sana", "interval": "1h30m", "edition": "en", "limit": 5, "delay": 0,
        "recheck": True, "urls": "urls.txt", "base_url": "http://127.0.0.1:9/"}})), OUTLETS)
    (entry,) = plan.entries
    assert entry.interval == 5400 and entry.timezone == "UTC"
    assert entry.argv() == ["sana", "--edition", "en", "--limit", "5", "--base-url",
                            "http://127.0.0.1:9/", "--urls", str(tmp_path / "urls.txt"),
                            "--delay", "0.0", "--recheck"]


def test_every_crawl_option_can_be_scheduled() -> None:
    # --join is how a worker serves a crawl the scheduler seeded, never a schedule's option.
    options = {p.name for p in crawl.params
               if p.name not in ("outlet", "trigger", "run_id", "join")}
    assert options == set(CRAWL_OPTIONS)


@pytest.mark.parametrize(("table", "message"), [
    ({"outlet": "sana", "cron": "5 */2 * *"}, "[jobs.bad] cron: '5 */2 * *': 4 fields"),
    ({"outlet": "sana", "cron": "61 * * * *"}, "[jobs.bad] cron: '61 * * * *'"),
    ({"outlet": "sana"}, "[jobs.bad] cron: give either cron"),
    ({"outlet": "sana", "cron": "0 * * * *", "interval": "1h"}, "[jobs.bad] cron: give either"),
    ({"outlet": "sana", "interval": "soon"}, "[jobs.bad] interval: 'soon' is not a duration"),
    ({"outlet": "sana", "interval": 0}, "[jobs.bad] interval: 0 must be longer than zero"),
    ({"outlet": "sana", "interval": "1h", "timezone": "Mars/Olympus"},
     "[jobs.bad] timezone: 'Mars/Olympus' is not a time zone"),
    ({"outlet": "sana", "interval": "1h", "edition": "fr"},
     "[jobs.bad] edition: sana has no edition 'fr'; choose one of: en, ar"),
    ({"outlet": "sanaa", "interval": "1h"}, "[jobs.bad] outlet: unknown outlet 'sanaa'"),
    ({"interval": "1h"}, "[jobs.bad] outlet: missing"),
    ({"outlet": "sana", "interval": "1h", "limit": 0}, "[jobs.bad] limit: 0 must be a whole"),
    ({"outlet": "sana", "interval": "1h", "since": "last week"},
     "[jobs.bad] since: 'last week' must be a date, YYYY-MM-DD"),
    ({"outlet": "sana", "interval": "1h", "proxy": "127.0.0.1:8080"},
     "[jobs.bad] proxy: '127.0.0.1:8080' must be an http(s) URL"),
    ({"outlet": "sana", "interval": "1h", "urls": "missing.txt"},
     "[jobs.bad] urls: "),
    ({"outlet": "sana", "interval": "1h", "recheck": "yes"},
     "[jobs.bad] recheck: 'yes' must be true or false"),
    ({"outlet": "sana", "interval": "1h", "edtion": "en"}, "[jobs.bad] edtion: unknown field"),
])
def test_bad_entry_names_entry_and_field(tmp_path: Path, table: dict[str, object],
                                         message: str) -> None:
    path = write(tmp_path, schedule_text({"good": {"outlet": "sana", "interval": "1h"},
                                          "bad": table}))
    with pytest.raises(ScheduleError) as caught:
        load(path, OUTLETS)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems
    assert str(path) in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, schedule_text(
        {"a": {"outlet": "sana", "cron": "x"}, "b": {"outlet": "nope", "interval": "1h"}},
        daemon={"max_parallel": 0}))
    with pytest.raises(ScheduleError) as caught:
        load(path, OUTLETS)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "[daemon] max_parallel", "[jobs.a] cron", "[jobs.b] outlet"]


def test_cli_rejects_a_bad_file_at_start_up(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsvault.commands.schedule import schedule

    path = write(tmp_path, schedule_text({"sana-en": {"outlet": "sana", "cron": "* * *"}}))
    result = CliRunner().invoke(schedule, ["run", "--file", str(path)])
    assert result.exit_code == 2
    assert "[jobs.sana-en] cron: '* * *': 3 fields" in result.output


def test_durations() -> None:
    assert duration(90) == 90 and duration("90s") == 90 and duration("1h30m") == 5400
    assert duration("1d") == 86400 and duration(0.5) == 0.5
    for bad in ("", "1 hour", "-5s", True, "5"):
        with pytest.raises(ValueError):
            duration(bad)


def test_crontab_weekdays_count_from_sunday() -> None:
    assert cron_fields("0 3 * * 0")["day_of_week"] == "sun"
    assert cron_fields("0 3 * * 1-5")["day_of_week"] == "mon-fri"
    assert cron_fields("0 3 * * */2")["day_of_week"] == "*/2"
    assert cron_fields("*/5 * * * * *")["second"] == "*/5"
    trigger = build_trigger("0 3 * * 0", None, "Asia/Damascus", 0)
    after = datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("Asia/Damascus"))  # a Sunday
    fire = trigger.get_next_fire_time(None, after)
    assert fire.strftime("%a %H:%M") == "Sun 03:00" and fire.day == 29
