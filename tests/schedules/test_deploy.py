"""deploy/crontab and deploy/systemd: they parse, and they match the shipped schedule."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from newsvault.commands.crawl import crawl
from schedules.spec import DEFAULT_FILE, load
from schedules.triggers import build_trigger
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.*"))
OUTLETS = {"sana", "prensa_latina", "emirates_voice"}


def crontab_jobs() -> list[tuple[str, list[str]]]:
    """(five time fields, the newsvault command's arguments) per crontab job line."""
    jobs = []
    for line in (DEPLOY / "crontab").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" in line.split()[0]:
            continue
        fields = line.split(None, 5)
        command = shlex.split(fields[5])
        start = command.index("newsvault")
        end = command.index(">>cron.log") if ">>cron.log" in command else len(command)
        jobs.append((" ".join(fields[:5]), command[start + 1:end]))
    return jobs


def test_crontab_lines_are_valid_one_shot_cron_crawls() -> None:
    jobs = crontab_jobs()
    assert jobs
    for when, args in jobs:
        build_trigger(when, None, "UTC", 0)  # raises on a bad time field
        assert args[:1] == ["crawl"] and args[1] in OUTLETS
        assert args[-2:] == ["--trigger", "cron"]
        crawl.make_context("crawl", args[1:])  # every option is one `newsvault crawl` takes


def test_crontab_matches_the_shipped_schedule() -> None:
    scheduled = {(e.cron, tuple(e.argv())) for e in load(DEFAULT_FILE).enabled()}
    in_crontab = {(when, tuple(args[1:-2])) for when, args in crontab_jobs()}
    assert in_crontab == scheduled


def units(kind: str) -> list[Path]:
    return [u for u in UNITS if u.suffix == kind]


def parse(unit: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(unit)
    return parser


def test_systemd_units_have_what_a_clean_stop_needs() -> None:
    assert len(units(".service")) == 4 and len(units(".timer")) == 3
    for unit in units(".service"):
        service = parse(unit)["Service"]
        assert "newsvault" in service["ExecStart"] and service["KillMode"] == "mixed", unit
        assert service["User"] == "newsvault" and service["TimeoutStopSec"], unit
    crawl_unit = parse(DEPLOY / "systemd" / "newsvault-crawl@.service")["Service"]
    assert crawl_unit["ExecStart"].endswith("crawl %i --trigger cron")
    assert crawl_unit["SuccessExitStatus"] == "75"
    for timer in units(".timer"):
        assert timer.stem.split("@", 1)[1] in OUTLETS
        assert parse(timer)["Timer"]["OnCalendar"], timer


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (the structural test still runs)")
def test_systemd_units_verify(tmp_path: Path) -> None:
    # systemd-analyze exits 0 on settings it ignores, so any output at all is a failure.
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, UNITS)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stderr
